using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Suanwang.Providers.Adapters;
using Suanwang.Providers.Staging;

namespace Suanwang.Providers.Tests.Staging;

/// <summary>Real HTTP on loopback: a <see cref="DatasetServer"/> in Kestrel and a <see cref="DatasetFetcher"/> pulling from it.</summary>
public sealed class DatasetStagingTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _source = new();
    private readonly TemporaryDirectory _target = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HttpClient _http = new();
    private WebApplication? _server;
    private Uri _url = null!;
    private int _abortAfterBytes = -1; // > 0: the next file response is cut after that many bytes

    public async Task InitializeAsync()
    {
        var replica = Path.Combine(_source.Path, "acme", "corpus");
        Directory.CreateDirectory(Path.Combine(replica, "shards"));
        var random = new Random(42);
        foreach (var (name, size) in new[] { ("README", 1_000), ("shards/0.bin", 700_000), ("shards/1.bin", 300_001) })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(replica, name.Replace('/', Path.DirectorySeparatorChar)), bytes);
        }
        var port = FreePort();
        _url = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_url.ToString());
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Use(async (context, next) =>
        {
            if (context.Request.Path.Value!.Contains("/files/", StringComparison.Ordinal) && Interlocked.Exchange(ref _abortAfterBytes, -1) is > 0 and var limit)
                context.Response.Body = new CuttingStream(context.Response.Body, limit, context);
            await next(context);
        });
        new DatasetServer(_source.Path, () => _key, TimeProvider.System).Map(_server);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _key.Dispose();
        _http.Dispose();
        _source.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task A_replica_is_copied_file_by_file_and_every_file_matches_its_sha256()
    {
        var result = await Fetch(Input());
        Assert.Equal((3, 3, 1_001_001L, 0), (result.Files, result.FilesFetched, result.BytesFetched, result.Resumes));
        Assert.Equal(await Manifest(_source.Path), await Manifest(_target.Path));

        var again = await Fetch(Input()); // present and verified: nothing moves
        Assert.Equal((3, 0, 0L), (again.Files, again.FilesFetched, again.BytesFetched));
        // A replica file changed behind the agent's back (same size, new bytes, so a new time) is hashed again and replaced.
        var tampered = Path.Combine(_target.Path, "replica", "README");
        await File.WriteAllBytesAsync(tampered, new byte[1_000]);
        File.SetLastWriteTimeUtc(tampered, DateTime.UtcNow.AddMinutes(1));
        var repaired = await Fetch(Input());
        Assert.Equal((1, 1_000L), (repaired.FilesFetched, repaired.BytesFetched));
        Assert.Equal(await Manifest(_source.Path), await Manifest(_target.Path));
    }

    [Fact]
    public async Task A_transfer_cut_off_mid_file_continues_with_a_range_request_and_sends_only_the_rest()
    {
        var input = Input([(await Manifest(_source.Path))[1]]); // shards/0.bin only
        _abortAfterBytes = 200_000; // its first response is cut after 200,000 bytes
        var result = await Fetch(input);
        Assert.Equal(1, result.Resumes);
        Assert.InRange(result.BytesFetched, 700_000, 700_000 + 64 * 1024); // at most one chunk read twice, never the whole file again
        Assert.Equal(input.Files![0].Sha256, await DatasetManifest.HashFileAsync(Path.Combine(_target.Path, "replica", "shards", "0.bin"), default));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_registered_sha256_are_refused_and_never_put_in_place()
    {
        var files = await Manifest(_source.Path);
        var input = Input([files[0] with { Sha256 = new string('0', 64) }]);
        var error = await Assert.ThrowsAsync<StagingException>(() => Fetch(input));
        Assert.Contains("README", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 0000", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_target.Path, "replica", "README")));
        Assert.False(File.Exists(Path.Combine(_target.Path, "partial", "README.part")));
    }

    [Fact]
    public async Task Without_a_valid_grant_for_exactly_that_dataset_nothing_is_served()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Input() with { Grant = new StagingGrant("acme", "corpus", "t", long.MaxValue).Sign(stranger) };
        Assert.Contains("401", (await Assert.ThrowsAsync<StagingException>(() => Fetch(forged))).Message, StringComparison.Ordinal);

        var otherDataset = Input() with { Grant = Grant("other") };
        Assert.Contains("403", (await Assert.ThrowsAsync<StagingException>(() => Fetch(otherDataset))).Message, StringComparison.Ordinal);

        var expired = Input() with { Grant = new StagingGrant("acme", "corpus", "t", 1).Sign(_key) };
        Assert.Contains("expired", (await Assert.ThrowsAsync<StagingException>(() => Fetch(expired))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/data/acme/corpus/files/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("v1/data/acme/corpus/files/shards%2F..%2F..%2Fother%2Fx")]
    [InlineData("v1/data/acme/..%2Facme/files/README")]
    public async Task The_server_never_answers_a_file_outside_the_granted_replica(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, path));
        request.Headers.Authorization = new("Bearer", Grant("corpus"));
        using var response = await _http.SendAsync(request);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
        Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_without_the_replica_is_skipped_for_the_next_agent_at_the_site()
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort()}/"); // nothing listens: connection refused
        var result = await Fetch(Input() with { Sources = [dead, _url] });
        Assert.Equal(3, result.FilesFetched);
    }

    [Fact]
    public async Task A_paced_transfer_takes_at_least_its_size_over_the_reserved_rate()
    {
        // Lower bound only: a slow machine can only make it slower. 1,001,001 bytes at 400 kB/s, less the
        // pacer's initial 64 KiB burst, cannot take under 2.3 s; unpaced it takes milliseconds.
        var result = await Fetch(Input() with { BytesPerSecond = 400_000 });
        Assert.True(result.Elapsed >= TimeSpan.FromSeconds((1_001_001 - 65_536) / 400_000.0 * 0.98), $"took {result.Elapsed}");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_task_sees_its_staged_input_under_inputs_and_the_replica_is_left_read_only_for_others()
    {
        var request = new TaskRequest("j-1#0", "j-1", "acme", "site-b/gpu", "site-b", 1, 1, 1, new Core.Model.TaskResources(1, Core.Model.ByteSize.Zero, null),
            null, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)) { Inputs = [Input(await Manifest(_source.Path)) with { Dataset = "nested/corpus" }] };
        request = request with { Inputs = [request.Inputs[0] with { Grant = new StagingGrant("acme", "nested/corpus", "j-1#0", long.MaxValue).Sign(_key) }] };
        Directory.Move(Path.Combine(_source.Path, "acme", "corpus"), Path.Combine(_source.Path, "acme", "nested~corpus")); // ids with '/' are served as '~'
        var task = Path.Combine(_target.Path, "task");
        var stager = new InputStager(new DatasetFetcher(_http), Path.Combine(_target.Path, "data"), Path.Combine(_target.Path, "partial"));

        var results = await stager.StageAsync(request, task, CancellationToken.None);

        Assert.Equal(3, results.Single().FilesFetched);
        var seen = await DatasetManifest.HashFileAsync(Path.Combine(task, "inputs", "nested~corpus", "shards", "1.bin"), default);
        Assert.Equal(request.Inputs[0].Files!.Single(f => f.Path == "shards/1.bin").Sha256, seen);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(_target.Path, "data", "acme", "nested~corpus", "README")));
        await Assert.ThrowsAsync<StagingException>(() => stager.StageAsync(request, task, CancellationToken.None)); // never over something already there
    }

    private StagingInput Input(IReadOnlyList<DatasetFile>? files = null) =>
        new("acme", "corpus", "site-a", [_url], files, 0, Grant("corpus"));

    private string Grant(string dataset) => new StagingGrant("acme", dataset, "j-1#0", DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()).Sign(_key);

    private Task<StagingResult> Fetch(StagingInput input) =>
        new DatasetFetcher(_http) { RetryDelay = TimeSpan.FromMilliseconds(10) }
            .FetchAsync(input, Path.Combine(_target.Path, "replica"), Path.Combine(_target.Path, "partial"), CancellationToken.None);

    private static async Task<IReadOnlyList<DatasetFile>> Manifest(string root)
    {
        var replica = Directory.Exists(Path.Combine(root, "replica")) ? Path.Combine(root, "replica") : Path.Combine(root, "acme", "corpus");
        return await DatasetManifest.FromDirectoryAsync(replica, CancellationToken.None);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Passes the first bytes of a response through, then aborts the connection: a network cut mid-transfer.</summary>
    private sealed class CuttingStream(Stream inner, int limit, HttpContext context) : Stream
    {
        private int _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var room = limit - _written;
            if (room > 0)
                await inner.WriteAsync(buffer[..Math.Min(room, buffer.Length)], cancellationToken);
            _written += buffer.Length;
            if (_written >= limit)
            {
                await inner.FlushAsync(cancellationToken);
                context.Abort();
                throw new IOException("cut by the test");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
