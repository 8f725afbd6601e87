namespace Suanwang.Core.Specs;

/// <summary>
/// The header every Suanwang document starts with: <c>apiVersion: suanwang/v1</c> and a <c>kind</c>.
/// All readers check it here, with the same messages.
/// </summary>
public static class SpecHeader
{
    /// <summary>The only <c>apiVersion</c> understood.</summary>
    public const string ApiVersion = "suanwang/v1";

    /// <summary>
    /// Reads <c>apiVersion</c> and <c>kind</c> of a document and records an error for each that is missing
    /// or wrong. Returns false when either holds another value: that document follows another schema, so
    /// the caller should stop reading it rather than list all its fields as unknown.
    /// </summary>
    /// <param name="document">The document's top-level mapping.</param>
    /// <param name="kind">The kind expected, e.g. <c>Topology</c>.</param>
    /// <param name="what">What the kind is called in messages, e.g. <c>a topology</c>.</param>
    public static bool Check(MappingBinder document, string kind, string what)
    {
        ArgumentNullException.ThrowIfNull(document);
        var fits = true;
        if (document.Text("apiVersion", required: true) is { } apiVersion && apiVersion != ApiVersion)
        {
            document.Binder.ErrorAt(document.PathOf("apiVersion"), $"unsupported apiVersion '{apiVersion}'; expected {ApiVersion}");
            fits = false;
        }
        if (document.Text("kind", required: true) is { } actual && actual != kind)
        {
            document.Binder.ErrorAt(document.PathOf("kind"), $"this is a '{actual}' document, not {what}; expected kind: {kind}");
            fits = false;
        }
        return fits;
    }
}
