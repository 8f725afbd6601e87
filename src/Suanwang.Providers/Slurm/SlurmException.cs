namespace Suanwang.Providers.Slurm;

/// <summary>slurmrestd refused a request or could not be reached; the message says which and why.</summary>
public sealed class SlurmException : Exception
{
    /// <summary>Creates an exception with no details.</summary>
    public SlurmException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public SlurmException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public SlurmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a request slurmrestd answered with errors, or did not answer.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="unreachable">True when slurmrestd did not answer at all.</param>
    /// <param name="errorNumber">Slurm's error number when it gave one (2017 is "Invalid job id specified").</param>
    /// <param name="innerException">The cause, or null.</param>
    public SlurmException(string message, bool unreachable, int? errorNumber, Exception? innerException = null)
        : base(message, innerException)
    {
        Unreachable = unreachable;
        ErrorNumber = errorNumber;
    }

    /// <summary>True when slurmrestd did not answer (connection refused, timed out, not HTTP).</summary>
    public bool Unreachable { get; }

    /// <summary>Slurm's error number, when it gave one.</summary>
    public int? ErrorNumber { get; }
}
