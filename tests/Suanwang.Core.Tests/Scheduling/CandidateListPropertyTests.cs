using FsCheck.Xunit;
using Suanwang.Core.Scheduling;

namespace Suanwang.Core.Tests.Scheduling;

/// <summary>
/// <see cref="CandidateList"/> stores a decision's candidates as their difference from shared layers
/// (docs/scheduler.md, "Storage"): whatever the layers and the candidates, the list reads back exactly
/// the same objects, in order, by enumeration and by index, with the same count.
/// </summary>
public sealed class CandidateListPropertyTests
{
    [Property(MaxTest = 200)]
    public void Reads_back_the_same_candidates_in_order(int seed)
    {
        var random = new Random(seed);
        var pools = random.Next(0, 60);
        var first = new Candidate?[pools];
        var second = new Candidate?[pools];
        var fallback = new Candidate[pools];
        var actual = new Candidate[pools];
        // How often a pool's candidate is one of the layers' (the compact form is used when most are).
        var shared = random.NextDouble();
        for (var p = 0; p < pools; p++)
        {
            first[p] = random.Next(3) == 0 ? Make(p, "place") : null;
            second[p] = random.Next(3) == 0 ? Make(p, "fit") : null;
            fallback[p] = Make(p, "not scored");
            actual[p] = random.NextDouble() < shared ? first[p] ?? second[p] ?? fallback[p]
                : random.Next(2) == 0 ? Make(p, "own") : (first[p] ?? fallback[p]); // the latter may still equal the expected one
        }
        var extra = Enumerable.Range(0, random.Next(0, 3)).Select(i => Make(i, "a+b")).ToArray();

        var list = CandidateList.Over(first, second, fallback, actual, extra);

        Candidate[] expected = [.. actual, .. extra];
        Assert.Equal(expected.Length, list.Count);
        Assert.Equal(expected.Length == 0, list.IsEmpty);
        Assert.True(expected.SequenceEqual(list, ReferenceEqualityComparer.Instance), "enumeration differs");
        for (var k = 0; k < expected.Length; k++)
            Assert.Same(expected[k], list[k]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[expected.Length]);
    }

    /// <summary>A copied list (no layers) reads back its candidates too.</summary>
    [Fact]
    public void A_copy_reads_back_its_candidates()
    {
        Candidate[] pools = [Make(0, "x"), Make(1, "y")];
        var list = CandidateList.Copy(pools, [Make(2, "a+b")]);
        Assert.Equal(3, list.Length);
        Assert.Same(pools[1], list[1]);
        Assert.Equal(["0", "1", "2"], list.Select(c => c.PoolId));
        Assert.True(CandidateList.Empty.IsEmpty);
    }

    private static Candidate Make(int pool, string why) => new(pool.ToString(System.Globalization.CultureInfo.InvariantCulture), why, null);
}
