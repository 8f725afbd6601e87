using System.Text.Json;

namespace Suanwang.Server.Api;

/// <summary>
/// JSON job specs over the API are typed strictly: the spec readers treat every scalar as text (as
/// YAML does), so without this check <c>"name": true</c> or <c>"cpu": "2"</c> would be accepted.
/// Each field of DESIGN §10's job spec has one JSON kind — counts are numbers, flags are booleans,
/// everything else (names, quantities with units, times) is a string. Unknown fields are left to the
/// spec reader, which reports them.
/// </summary>
internal static class JsonSpecTypes
{
    private enum Kind
    {
        String,
        Number,
        Boolean,
        Object,
        Array,
    }

    private sealed record Field(Kind Kind, IReadOnlyDictionary<string, Field>? Fields = null, Field? Items = null, Field? AnyValue = null);

    private static readonly Field Text = new(Kind.String);
    private static readonly Field Count = new(Kind.Number);
    private static readonly Field Flag = new(Kind.Boolean);
    private static readonly Field Texts = new(Kind.Array, Items: Text);

    private static readonly Field JobSpec = new(Kind.Object, new Dictionary<string, Field>
    {
        ["apiVersion"] = Text, ["kind"] = Text, ["name"] = Text, ["priority"] = Text, ["type"] = Text, ["tasks"] = Count,
        ["resources"] = new(Kind.Object, new Dictionary<string, Field>
        {
            ["cpu"] = Count, ["memory"] = Text,
            ["accelerators"] = new(Kind.Object, new Dictionary<string, Field> { ["count"] = Count, ["grade"] = Text, ["model"] = Text, ["cu"] = Count }),
        }),
        ["duration"] = Text,
        ["inputs"] = new(Kind.Array, Items: new(Kind.Object, new Dictionary<string, Field> { ["dataset"] = Text })),
        ["output"] = new(Kind.Object, new Dictionary<string, Field> { ["size"] = Text, ["to"] = Text }),
        ["user"] = new(Kind.Object, new Dictionary<string, Field> { ["location"] = Text, ["latency"] = Text }),
        ["deadline"] = Text, ["budget"] = Text, ["jurisdictions"] = Texts,
        ["placement"] = new(Kind.Object, new Dictionary<string, Field> { ["prefer"] = Texts, ["avoid"] = Texts }),
        ["flags"] = new(Kind.Object, new Dictionary<string, Field> { ["preemptible"] = Flag, ["splittable"] = Flag, ["checkpointable"] = Flag }),
        ["run"] = new(Kind.Object, new Dictionary<string, Field> { ["command"] = Text, ["env"] = new(Kind.Object, AnyValue: Text), ["image"] = Text, ["args"] = Texts, ["workdir"] = Text }),
        ["submit"] = Text, ["tenant"] = Text,
    });

    /// <summary>
    /// Type errors in a JSON body holding one spec or a list of specs, as (path, message); empty when
    /// the types are right or the body is not JSON the reader would accept anyway (it reports that itself).
    /// </summary>
    public static IReadOnlyList<(string Path, string Message)> Check(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return [];
        }
        using (document)
        {
            var errors = new List<(string, string)>();
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in document.RootElement.EnumerateArray())
                    Walk(item, JobSpec, $"[{i++}]", errors);
            }
            else
            {
                Walk(document.RootElement, JobSpec, "", errors);
            }
            return errors;
        }
    }

    private static void Walk(JsonElement value, Field field, string path, List<(string, string)> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return; // absent or null: the spec reader decides whether the field is required
        var actual = value.ValueKind switch
        {
            JsonValueKind.String => Kind.String,
            JsonValueKind.Number => Kind.Number,
            JsonValueKind.True or JsonValueKind.False => Kind.Boolean,
            JsonValueKind.Array => Kind.Array,
            _ => Kind.Object,
        };
        if (actual != field.Kind)
        {
            errors.Add((path, $"expected {Describe(field.Kind)}, found {Describe(actual)} {Shorten(value.GetRawText())}"));
            return;
        }
        if (field.Kind == Kind.Array && field.Items is { } items)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
                Walk(item, items, $"{path}[{i++}]", errors);
        }
        else if (field.Kind == Kind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                var child = field.Fields?.GetValueOrDefault(property.Name) ?? field.AnyValue;
                if (child is not null)
                    Walk(property.Value, child, path.Length == 0 ? property.Name : $"{path}.{property.Name}", errors);
            }
        }
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.String => "a string",
        Kind.Number => "a number",
        Kind.Boolean => "true or false",
        Kind.Array => "a list",
        _ => "an object",
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";
}
