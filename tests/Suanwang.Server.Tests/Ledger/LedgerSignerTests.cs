using System.Security.Cryptography;
using Suanwang.Server.Ledger;

namespace Suanwang.Server.Tests.Ledger;

public sealed class LedgerSignerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("suanwang-ledger-key-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_key_file_is_created_0600_and_loaded_again_as_the_same_key()
    {
        if (OperatingSystem.IsWindows())
            return; // Unix permissions only
        var path = Path.Combine(_directory, "keys", "ledger.pem");
        string publicKey;
        using (var created = LedgerSigner.LoadOrCreate(path))
            publicKey = created.PublicKeyPem;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicKey);
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary left behind
        using var loaded = LedgerSigner.LoadOrCreate(path);
        Assert.Equal(publicKey, loaded.PublicKeyPem);
    }

    [Fact]
    public void A_key_file_on_another_curve_is_refused()
    {
        if (OperatingSystem.IsWindows())
            return;
        var path = Path.Combine(_directory, "k1.pem");
        using (var other = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1")))
            File.WriteAllText(path, other.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Throws<CryptographicException>(() => LedgerSigner.LoadOrCreate(path));
    }

    [Fact]
    public void A_key_file_readable_by_others_is_refused()
    {
        if (OperatingSystem.IsWindows())
            return;
        var path = Path.Combine(_directory, "ledger.pem");
        LedgerSigner.LoadOrCreate(path).Dispose();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Throws<UnauthorizedAccessException>(() => LedgerSigner.LoadOrCreate(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        Assert.Throws<UnauthorizedAccessException>(() => LedgerSigner.LoadOrCreate(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead); // stricter than 0600 is fine
        LedgerSigner.LoadOrCreate(path).Dispose();
    }
}
