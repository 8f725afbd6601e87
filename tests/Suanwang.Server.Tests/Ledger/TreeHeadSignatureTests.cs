using System.Security.Cryptography;
using Suanwang.Server.Ledger;

namespace Suanwang.Server.Tests.Ledger;

public class TreeHeadSignatureTests
{
    private static readonly byte[] Root = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void The_signed_bytes_are_the_documented_77_byte_layout()
    {
        // "suanwang-ledger-tree-head-v1", 0x00, tree size 5 and timestamp 1,700,000,000,123 ms as
        // big-endian 64-bit integers (0x18BCFE5687B), then the root; hex written out with Python.
        Assert.Equal(
            "7375616e77616e672d6c65646765722d747265652d686561642d7631000000000000000005"
            + "0000018bcfe5687b000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            Convert.ToHexStringLower(TreeHeadSignature.SigningInput(5, 1_700_000_000_123, Root)));
        Assert.Equal(77, TreeHeadSignature.InputLength);
    }

    [Fact]
    public void A_head_signed_by_OpenSSL_over_the_documented_bytes_verifies()
    {
        // Made outside .NET: `openssl ecparam -name prime256v1 -genkey`, the 77 bytes for tree size 0,
        // timestamp 1,700,000,000,123 and the empty tree's root written by Python, then
        // `openssl dgst -sha256 -sign key.pem input.bin` (a DER signature). This pins the layout and the
        // signature format to what a third party's tools produce and check.
        const string publicKey = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcToiqU9OJ3X038nQud8VpzQzeOp1
            LtrPJRwc+XpJ9yNx4NOT0VsWQiyVbUetIFEMb9x7VsUTX5JwuykzQBO3Gw==
            -----END PUBLIC KEY-----
            """;
        var head = new SignedTreeHead(0, 1_700_000_000_123, MerkleHashing.EmptyTreeHash(),
            Convert.FromBase64String("MEQCIEoEckZbmtIpfqxDxHbH3DNCKXDBTnQQCpy9fl5Oy2YoAiBEy9jTfaOVuoT6DSKVylixvk8XzzOoUMd6ohKM7InFbw=="));
        using var verifier = new LedgerVerifier(publicKey);
        Assert.True(verifier.Verify(null, head, null, []).Ok);
        Assert.Equal(LedgerFailureKind.BadSignature, Assert.Single(verifier.Verify(null, head with { Timestamp = 1_700_000_000_124 }, null, []).Failures).Kind);
    }

    [Fact]
    public void A_verifier_pinned_to_a_key_on_another_256_bit_curve_is_refused()
    {
        // secp256k1 (openssl ecparam -name secp256k1): 256 bits, but not the curve heads are signed on.
        const string secp256k1 = """
            -----BEGIN PUBLIC KEY-----
            MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE1bJPyc4gsMamwQaAz12I9jUpLeu8cJVb
            36grccbQ+nC5tfgCrEwUWvNp7+Vxhir74aAIspR7/GoVuC/y3Mnptg==
            -----END PUBLIC KEY-----
            """;
        Assert.Throws<CryptographicException>(() => new LedgerVerifier(secp256k1));
        using var signer = LedgerSigner.Ephemeral();
        new LedgerVerifier(signer.PublicKeyPem).Dispose(); // the control: a P-256 key is accepted
    }

    [Fact]
    public void A_signature_verifies_until_any_field_or_signature_byte_changes()
    {
        using var signer = LedgerSigner.Ephemeral();
        using var key = ECDsa.Create();
        key.ImportFromPem(signer.PublicKeyPem);
        var head = signer.Sign(5, 1_700_000_000_123, Root);
        Assert.True(TreeHeadSignature.Verify(head, key));
        Assert.False(TreeHeadSignature.Verify(head with { TreeSize = 4 }, key));
        Assert.False(TreeHeadSignature.Verify(head with { TreeSize = 6 }, key));
        Assert.False(TreeHeadSignature.Verify(head with { Timestamp = head.Timestamp + 1 }, key));
        Assert.False(TreeHeadSignature.Verify(head with { RootHash = Root.AsMemory(0, 31) }, key));
        for (var i = 0; i < Root.Length * 8; i++)
        {
            var root = (byte[])Root.Clone();
            root[i / 8] ^= (byte)(1 << (i % 8));
            Assert.False(TreeHeadSignature.Verify(head with { RootHash = root }, key), $"root bit {i}");
        }
        var signature = head.Signature.ToArray();
        for (var i = 0; i < signature.Length; i++)
        {
            var changed = (byte[])signature.Clone();
            changed[i] ^= 0x01;
            Assert.False(TreeHeadSignature.Verify(head with { Signature = changed }, key), $"signature byte {i}");
        }
        using var other = LedgerSigner.Ephemeral();
        Assert.False(TreeHeadSignature.Verify(other.Sign(5, 1_700_000_000_123, Root), key));
    }
}
