using System.Security.Cryptography;
using Suanwang.Providers.Staging;

namespace Suanwang.Providers.Tests.Staging;

public sealed class StagingGrantTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_signed_grant_verifies_with_the_public_key_until_it_expires()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = PublicOnly(key);
        var grant = new StagingGrant("acme", "corpus", "j-1#0", Now.AddMinutes(5).ToUnixTimeSeconds());
        var token = grant.Sign(key);
        Assert.Equal((grant, null), StagingGrant.Verify(token, publicKey, Now));
        Assert.Equal("the staging grant has expired", StagingGrant.Verify(token, publicKey, Now.AddMinutes(6)).Error);
    }

    [Fact]
    public void A_grant_changed_in_any_way_or_signed_by_another_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = PublicOnly(key);
        var token = new StagingGrant("acme", "corpus", "j-1#0", Now.AddMinutes(5).ToUnixTimeSeconds()).Sign(key);
        var widened = new StagingGrant("acme", "other-dataset", "j-1#0", Now.AddMinutes(5).ToUnixTimeSeconds()).Sign(other);

        Assert.NotNull(StagingGrant.Verify(widened, PublicOnly(other), Now).Grant); // well-formed, so only the key refuses it below
        Assert.Null(StagingGrant.Verify(widened, publicKey, Now).Grant);
        Assert.Null(StagingGrant.Verify(widened.Split('.')[0] + "." + token.Split('.')[1], publicKey, Now).Grant); // payload swapped
        for (var i = 0; i < token.Length; i += 7)
        {
            var flipped = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(StagingGrant.Verify(flipped, publicKey, Now).Grant);
        }
        Assert.Null(StagingGrant.Verify(null, publicKey, Now).Grant);
        Assert.Null(StagingGrant.Verify("a.b.c", publicKey, Now).Grant);
    }

    private static ECDsa PublicOnly(ECDsa key)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }
}
