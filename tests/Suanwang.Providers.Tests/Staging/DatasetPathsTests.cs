using Suanwang.Providers.Staging;

namespace Suanwang.Providers.Tests.Staging;

public sealed class DatasetPathsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a/")]
    [InlineData("a\\..\\b")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void Paths_that_could_leave_their_root_or_forge_lines_are_refused(string path) =>
        Assert.Throws<InvalidDataException>(() => DatasetPaths.Check(path));

    [Theory]
    [InlineData("a")]
    [InlineData("shards/part-0001.parquet")]
    [InlineData("a..b/c.d")]
    public void Plain_relative_paths_are_accepted(string path) => DatasetPaths.Check(path);

    [Fact]
    public void Resolve_refuses_a_path_through_a_symbolic_link_even_when_the_name_is_plain()
    {
        using var root = new TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "data"));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "data", "escape"), "/etc");
        var error = Assert.Throws<InvalidDataException>(() => DatasetPaths.Resolve(Path.Combine(root.Path, "data"), "escape/passwd"));
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(root.Path, "data", "ok", "x"), DatasetPaths.Resolve(Path.Combine(root.Path, "data"), "ok/x"));
    }

    [Fact]
    public async Task A_manifest_lists_every_file_sorted_with_its_sha256_and_refuses_symbolic_links()
    {
        using var root = new TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "b"));
        await File.WriteAllTextAsync(Path.Combine(root.Path, "b", "y.txt"), "abc");
        await File.WriteAllTextAsync(Path.Combine(root.Path, "a.txt"), "");
        var files = await DatasetManifest.FromDirectoryAsync(root.Path, CancellationToken.None);
        Assert.Equal(
            [
                new DatasetFile("a.txt", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), // SHA-256 of nothing
                new DatasetFile("b/y.txt", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), // SHA-256("abc"), FIPS 180-2
            ],
            files);
        File.CreateSymbolicLink(Path.Combine(root.Path, "link"), "/etc/hostname");
        await Assert.ThrowsAsync<InvalidDataException>(() => DatasetManifest.FromDirectoryAsync(root.Path, CancellationToken.None));
    }

    [Fact]
    public void A_received_manifest_with_duplicates_bad_hashes_or_negative_sizes_is_refused()
    {
        var good = new DatasetFile("a", 1, new string('0', 64));
        DatasetManifest.Check([good]);
        Assert.Throws<InvalidDataException>(() => DatasetManifest.Check([good, good]));
        Assert.Throws<InvalidDataException>(() => DatasetManifest.Check([good with { Size = -1 }]));
        Assert.Throws<InvalidDataException>(() => DatasetManifest.Check([good with { Sha256 = new string('A', 64) }]));
        Assert.Throws<InvalidDataException>(() => DatasetManifest.Check([good with { Path = "../a" }]));
    }
}

/// <summary>A directory under the system temp directory, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sw-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp directory is harmless
        }
    }
}
