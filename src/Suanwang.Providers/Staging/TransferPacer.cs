using System.Diagnostics;

namespace Suanwang.Providers.Staging;

/// <summary>
/// Keeps a transfer at its reserved rate: after each chunk, waits until the bytes sent so far are no more
/// than rate × elapsed time plus a small allowance. Measured against the clock rather than refilled by a
/// timer (as <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c> is) because on a loaded machine
/// timers fire late and a timer-refilled bucket then falls well short of the rate (0.74 of 100 Mbps on
/// this 2-core VM under load); here a late wake-up is made up by the next chunks.
/// </summary>
internal sealed class TransferPacer(long bytesPerSecond, long allowanceBytes)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _sent;

    /// <summary>Counts <paramref name="bytes"/> as sent and waits as long as the transfer is ahead of its rate.</summary>
    public async ValueTask PaceAsync(int bytes, CancellationToken cancel)
    {
        _sent += bytes;
        var due = TimeSpan.FromSeconds(Math.Max(0, _sent - allowanceBytes) / (double)bytesPerSecond);
        var ahead = due - Stopwatch.GetElapsedTime(_start);
        if (ahead > TimeSpan.FromMilliseconds(1))
            await Task.Delay(ahead, cancel).ConfigureAwait(false);
    }
}
