namespace Suanwang.Core.Validation;

/// <summary>
/// A rule that a model value breaks: which field (in the same path notation as spec files, e.g.
/// <c>resources.accelerators.cu</c> or <c>inputs[1].dataset</c>) and what is wrong. Readers of
/// files turn these into <see cref="Specs.SpecError"/>s with a line; the server returns them as
/// they are.
/// </summary>
/// <param name="Path">The field path; empty for the value as a whole.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <summary>Formats as <c>path: message</c>.</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
