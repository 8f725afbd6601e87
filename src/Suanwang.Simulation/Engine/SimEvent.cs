namespace Suanwang.Simulation.Engine;

/// <summary>What happens at an event.</summary>
internal enum EventKind
{
    Arrival,
    TransferStart,
    JobStart,
    JobEnd,
    NetworkWake,
    FailureStart,
    FailureEnd,
    Wake,
}

/// <summary>An event of the future-event list: a kind, a subject (job or failure index), the job's epoch when it was scheduled, and a detail (transfer index).</summary>
internal readonly record struct SimEvent(EventKind Kind, int Subject, int Epoch, int Detail = 0);
