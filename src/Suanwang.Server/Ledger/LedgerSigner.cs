using System.Security.Cryptography;

namespace Suanwang.Server.Ledger;

/// <summary>
/// The log's signing key (ECDSA P-256) and the tree heads it signs. The private key lives in a PKCS#8
/// PEM file that only its owner may read: created with mode 0600 in the same call that creates the
/// file (no window in which it is readable by others), and refused when found with group or other
/// permission bits.
/// </summary>
internal sealed class LedgerSigner : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Foreign = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly ECDsa _key;

    private LedgerSigner(ECDsa key)
    {
        _key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The public key as SPKI PEM (<c>-----BEGIN PUBLIC KEY-----</c>), for clients to pin.</summary>
    public string PublicKeyPem { get; }

    /// <summary>A signer with a fresh key that is never written anywhere (tests, throwaway logs).</summary>
    public static LedgerSigner Ephemeral() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>
    /// Loads the key at <paramref name="path"/>, or creates it (and its directory) when there is none.
    /// Throws <see cref="UnauthorizedAccessException"/> when the file grants anything to group or others.
    /// </summary>
    public static LedgerSigner LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        if (!File.Exists(path) && TryCreate(path) is { } created)
            return created;
        return Load(path);
    }

    /// <summary>Signs the head of a tree of <paramref name="treeSize"/> entries with root <paramref name="rootHash"/>.</summary>
    public SignedTreeHead Sign(long treeSize, long timestamp, byte[] rootHash)
    {
        var input = TreeHeadSignature.SigningInput(treeSize, timestamp, rootHash);
        var signature = _key.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new SignedTreeHead(treeSize, timestamp, rootHash, signature);
    }

    /// <summary>Signs a staging grant with the same key (the grant's own prefix keeps the two kinds of signature apart).</summary>
    public string SignGrant(Providers.Staging.StagingGrant grant) => grant.Sign(_key);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    // Writes the key to a temporary name (created 0600 by the open call itself), syncs it, then links
    // it into place without overwriting: a crash never leaves a half-written key under the real name,
    // and of two processes racing to create it, the second adopts the first one's key.
    private static LedgerSigner? TryCreate(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
            return new LedgerSigner(key);
        }
        catch (IOException) when (File.Exists(path))
        {
            key.Dispose();
            return null;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static LedgerSigner Load(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Foreign) != 0)
            throw new UnauthorizedAccessException(
                $"The ledger key {path} is readable or writable by others ({File.GetUnixFileMode(path)}); make it 0600 or remove it.");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (!TreeHeadSignature.IsNistP256(key))
                throw new CryptographicException($"The ledger key {path} is not a P-256 key.");
            return new LedgerSigner(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
