using System.Net;

namespace Suanwang.Providers.Kubernetes;

/// <summary>The Kubernetes API server refused a request or could not be reached; the message says which and why.</summary>
public sealed class KubernetesException : Exception
{
    /// <summary>Creates an exception with no details.</summary>
    public KubernetesException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public KubernetesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public KubernetesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a request the API server refused, or did not answer.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="unreachable">True when the API server did not answer at all.</param>
    /// <param name="statusCode">The HTTP status of a refusal, or null.</param>
    /// <param name="reason">The <c>reason</c> of the API server's <c>Status</c> object (<c>AlreadyExists</c>, <c>Forbidden</c>, …), or null.</param>
    /// <param name="innerException">The cause, or null.</param>
    public KubernetesException(string message, bool unreachable, HttpStatusCode? statusCode, string? reason, Exception? innerException = null)
        : base(message, innerException)
    {
        Unreachable = unreachable;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>True when the API server did not answer (connection refused, timed out, not HTTP).</summary>
    public bool Unreachable { get; }

    /// <summary>The HTTP status of a refusal.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>reason</c> of the API server's <c>Status</c> answer.</summary>
    public string? Reason { get; }
}
