using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

public class SpecDocumentReaderTests
{
    private static SpecMapping Root(SpecReadResult result)
    {
        Assert.Empty(result.Errors);
        return Assert.IsType<SpecMapping>(Assert.Single(result.Documents));
    }

    [Fact]
    public void Yaml_nodes_remember_their_line_and_column()
    {
        var root = Root(SpecDocumentReader.ReadYaml("name: x\nresources:\n  cpu: 16\n  tags: [a, b]\n", "f.yaml"));

        var resources = Assert.IsType<SpecMapping>(root["resources"]);
        Assert.Equal(new SourcePosition(3, 3), resources.Position);
        Assert.Equal(new SourcePosition(3, 8), resources["cpu"]!.Position);
        var tags = Assert.IsType<SpecSequence>(resources["tags"]);
        Assert.Equal(new SourcePosition(4, 13), tags.Items[1].Position);
    }

    [Fact]
    public void Yaml_nulls_are_null_but_quoted_empty_strings_are_not()
    {
        var root = Root(SpecDocumentReader.ReadYaml("a:\nb: ~\nc: null\nd: \"\"\ne: 'null'\n", "f.yaml"));

        Assert.Equal([null, null, null, "", "null"], root.Entries.Select(e => ((SpecScalar)e.Value).Value));
    }

    [Fact]
    public void Yaml_duplicate_keys_are_errors_at_the_second_key()
    {
        var result = SpecDocumentReader.ReadYaml("name: a\nresources:\n  cpu: 1\n  cpu: 2\n", "f.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("resources.cpu", new SourcePosition(4, 3)), (error.Path, error.Position!.Value));
        Assert.Contains("appears twice", error.Message);
        Assert.Empty(result.Documents);
    }

    [Fact]
    public void Yaml_anchors_and_aliases_share_the_node()
    {
        var root = Root(SpecDocumentReader.ReadYaml("base: &shape { cpu: 4, memory: 8GiB }\nother: *shape\nlist: &l [x]\nagain: *l\n", "f.yaml"));

        Assert.Same(root["base"], root["other"]);
        Assert.Same(root["list"], root["again"]);
        Assert.Equal("8GiB", ((SpecScalar)((SpecMapping)root["other"]!)["memory"]!).Value);
    }

    [Fact]
    public void Yaml_unknown_alias_is_an_error()
    {
        var error = Assert.Single(SpecDocumentReader.ReadYaml("a: *nowhere\n", "f.yaml").Errors);
        Assert.Contains("unknown alias '*nowhere'", error.Message);
    }

    [Fact]
    public void Yaml_stream_holds_one_document_per_separator()
    {
        var result = SpecDocumentReader.ReadYaml("a: 1\n---\nb: 2\n---\n- c\n", "f.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Documents.Length);
        Assert.IsType<SpecSequence>(result.Documents[2]);
    }

    [Fact]
    public void Deep_yaml_nesting_is_refused_instead_of_exhausting_the_stack()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);

        var error = Assert.Single(SpecDocumentReader.ReadYaml(text, "f.yaml").Errors);
        Assert.Contains("nested deeper than 64 levels", error.Message);
    }

    [Fact]
    public void Json_positions_are_right_on_multi_line_input()
    {
        const string text = "{\n  \"name\": \"x\",\n  \"resources\": {\n    \"cpu\": 16,\n    \"memory\": \"1GiB\"\n  },\n  \"inputs\": [\n    { \"dataset\": \"a\" },\n    { \"dataset\": \"b\" }\n  ]\n}\n";

        var root = Root(SpecDocumentReader.ReadJson(text, "f.json"));

        Assert.Equal(new SourcePosition(1, 1), root.Position);
        Assert.Equal(new SourcePosition(2, 11), root["name"]!.Position);
        var resources = (SpecMapping)root["resources"]!;
        Assert.Equal(new SourcePosition(3, 16), resources.Position);
        Assert.Equal(new SourcePosition(4, 12), resources["cpu"]!.Position);
        Assert.Equal(new SourcePosition(5, 5), resources.Entries[1].Key.Position);
        var second = (SpecMapping)((SpecSequence)root["inputs"]!).Items[1];
        Assert.Equal(new SourcePosition(9, 5), second.Position);
        Assert.Equal(new SourcePosition(9, 18), second["dataset"]!.Position);
    }

    [Fact]
    public void Json_columns_count_characters_not_utf8_bytes()
    {
        var root = Root(SpecDocumentReader.ReadJson("{\"city\": \"上海\", \"n\": 1}", "f.json"));
        Assert.Equal(new SourcePosition(1, 21), root["n"]!.Position);

        var error = Assert.Single(SpecDocumentReader.ReadJson("{\"city\": \"上海\", \"n\": x}", "f.json").Errors);
        Assert.Equal(new SourcePosition(1, 21), error.Position);
    }

    [Fact]
    public void Json_numbers_and_booleans_keep_their_source_text()
    {
        var root = Root(SpecDocumentReader.ReadJson("{\"a\": 1.50, \"b\": true, \"c\": null}", "f.json"));

        Assert.Equal(["1.50", "true", null], root.Entries.Select(e => ((SpecScalar)e.Value).Value));
    }

    [Fact]
    public void Json_duplicate_keys_are_errors()
    {
        var error = Assert.Single(SpecDocumentReader.ReadJson("{\n\"a\": 1,\n\"a\": 2\n}", "f.json").Errors);
        Assert.Equal(("a", new SourcePosition(3, 1)), (error.Path, error.Position!.Value));
    }

    [Fact]
    public void Json_allows_comments_and_trailing_commas()
    {
        var root = Root(SpecDocumentReader.ReadJson("{ // a comment\n \"a\": [1, 2,],\n}", "f.json"));
        Assert.Equal(2, ((SpecSequence)root["a"]!).Items.Length);
    }

    [Fact]
    public void Json_lines_hold_one_document_per_value()
    {
        var result = SpecDocumentReader.Read("{\"a\": 1}\n{\"b\": 2}\n", "f.jsonl");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Documents.Length);
        Assert.Equal(new SourcePosition(2, 1), result.Documents[1].Position);
    }

    [Theory]
    [InlineData("{\"a\": 1} {\"b\": 2}", "f.json", "malformed JSON")]
    [InlineData("   ", "f.json", "the file is empty")]
    [InlineData("{\"a\":\n  [1, 2\n", "f.json", "malformed JSON")]
    [InlineData("a: {b: 1\n", "f.yaml", "malformed YAML")]
    [InlineData("a: 'x\n", "f.yaml", "malformed YAML")]
    [InlineData("a:\n\t- b\n", "f.yaml", "malformed YAML")]
    public void Syntax_errors_are_one_message_not_an_exception(string text, string source, string expected)
    {
        var error = Assert.Single(SpecDocumentReader.Read(text, source).Errors);
        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData("{ a: 1 }", "f.yaml", true)]
    [InlineData("{ a: 1 }", "f.YML", true)]
    [InlineData("{ a: 1 }", "f.json", false)]
    [InlineData("{ a: 1 }", "stdin", false)]
    [InlineData("a: 1", "stdin", true)]
    public void The_extension_decides_the_format_before_the_first_character(string text, string source, bool accepted)
    {
        // Only YAML accepts an unquoted key, so acceptance tells which reader ran.
        Assert.Equal(accepted, SpecDocumentReader.Read(text, source).Errors.IsEmpty);
    }
}
