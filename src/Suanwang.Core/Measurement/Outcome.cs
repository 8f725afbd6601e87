namespace Suanwang.Core.Measurement;

/// <summary>A value, or a message saying why there is none (an unknown model, a figure that is not published).</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value when successful.</param>
/// <param name="Error">The message when not.</param>
public sealed record Outcome<T>(T? Value, string? Error) where T : class
{
    /// <summary>True when there is a value.</summary>
    public bool Success => Value is not null;

    /// <summary>The value; throws <see cref="InvalidOperationException"/> with the error message when there is none.</summary>
    public T ValueOrThrow() => Value ?? throw new InvalidOperationException(Error);
}

/// <summary>Factory methods for <see cref="Outcome{T}"/>.</summary>
public static class Outcome
{
    /// <summary>A successful outcome.</summary>
    public static Outcome<T> Ok<T>(T value) where T : class => new(value, null);

    /// <summary>A failed outcome with its message.</summary>
    public static Outcome<T> Fail<T>(string error) where T : class => new(null, error);
}
