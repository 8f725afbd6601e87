using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Suanwang.Server.Access;

/// <summary>
/// A trust score per principal (a token id, or the client address when no valid token was shown):
/// it starts at <see cref="Full"/>, loses <see cref="FailedAuthenticationPenalty"/> per failed
/// authentication and <see cref="ViolationPenalty"/> per policy violation (a request for an object the
/// caller may not see, a role overstepping, a rate limit hit), regains <see cref="RecoveryPerMinute"/>
/// per minute, and blocks the principal while below <see cref="BlockBelow"/>. Every change is logged as
/// a security event. Thread-safe; time comes from the injected clock.
/// </summary>
public sealed class TrustScores(TimeProvider clock, ILogger<TrustScores> log)
{
    /// <summary>The score of a principal with no history.</summary>
    public const double Full = 100;

    /// <summary>Below this the principal is refused.</summary>
    public const double BlockBelow = 50;

    /// <summary>Lost per failed authentication (a wrong or revoked token): six in a row block.</summary>
    public const double FailedAuthenticationPenalty = 10;

    /// <summary>Lost per policy violation.</summary>
    public const double ViolationPenalty = 2;

    /// <summary>Regained per minute of good behaviour.</summary>
    public const double RecoveryPerMinute = 5;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The principal's current score.</summary>
    public double Score(string principal)
    {
        lock (Get(principal, out var entry))
            return Recover(entry);
    }

    /// <summary>True while the principal is blocked.</summary>
    public bool IsBlocked(string principal) => Score(principal) < BlockBelow;

    /// <summary>Records a failed authentication.</summary>
    public void FailedAuthentication(string principal, string detail) => Lower(principal, FailedAuthenticationPenalty, "failed-authentication", detail);

    /// <summary>Records a policy violation.</summary>
    public void Violation(string principal, string detail) => Lower(principal, ViolationPenalty, "policy-violation", detail);

    private void Lower(string principal, double penalty, string kind, string detail)
    {
        double score;
        lock (Get(principal, out var entry))
        {
            score = Math.Max(0, Recover(entry) - penalty);
            entry.Score = score;
        }
        log.LogWarning("security event {Kind} principal={Principal} trust={Trust:F0} blocked={Blocked}: {Detail}",
            kind, principal, score, score < BlockBelow, detail);
    }

    private Entry Get(string principal, out Entry entry)
    {
        entry = _entries.GetOrAdd(principal, _ => new Entry { Score = Full, At = clock.GetUtcNow() });
        return entry;
    }

    private double Recover(Entry entry)
    {
        var now = clock.GetUtcNow();
        entry.Score = Math.Min(Full, entry.Score + ((now - entry.At).TotalMinutes * RecoveryPerMinute));
        entry.At = now;
        return entry.Score;
    }

    private sealed class Entry
    {
        public double Score { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
