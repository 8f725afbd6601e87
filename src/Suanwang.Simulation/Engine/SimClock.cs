namespace Suanwang.Simulation.Engine;

/// <summary>The simulated clock counts ticks (100 ns, as <see cref="DateTimeOffset"/>); reports and the flow network speak seconds.</summary>
internal static class SimClock
{
    /// <summary>A span of ticks in seconds.</summary>
    public static double Seconds(long ticks) => ticks / (double)TimeSpan.TicksPerSecond;
}
