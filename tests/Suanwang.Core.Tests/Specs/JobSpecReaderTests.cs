using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Tests.Specs;

public class JobSpecReaderTests
{
    // Verbatim from DESIGN §10.
    internal const string DesignExampleYaml = """
        apiVersion: suanwang/v1
        kind: Job
        name: llm-finetune-7b
        priority: normal              # low | normal | high | urgent
        type: batch                   # batch | gang | array | service
        tasks: 8                      # gang size or array width; 1 by default
        resources:                    # per task
          cpu: 16
          memory: 128GiB
          accelerators: { count: 8, grade: A }      # or model: H100-SXM5-80G, or cu: 500
        duration: 6h                  # estimate, also the wall-time limit
        inputs: [{ dataset: corpus-zh }]
        output: { size: 50GB, to: user }            # user | site
        user: { location: Shanghai, latency: any }  # latency: city | region | national | any
        deadline: 2026-12-01T00:00:00Z
        budget: 12000.00 CNY
        jurisdictions: [CN]
        placement: { prefer: [], avoid: [] }        # sites or providers, soft preference in order / hard exclusion
        flags: { preemptible: false, splittable: false, checkpointable: true }
        run: { command: "python train.py", env: {}, image: "" }
        """;

    private const string DesignExampleJson = """
        {
          "apiVersion": "suanwang/v1",
          "kind": "Job",
          "name": "llm-finetune-7b",
          "priority": "normal",
          "type": "batch",
          "tasks": 8,
          "resources": { "cpu": 16, "memory": "128GiB", "accelerators": { "count": 8, "grade": "A" } },
          "duration": "6h",
          "inputs": [ { "dataset": "corpus-zh" } ],
          "output": { "size": "50GB", "to": "user" },
          "user": { "location": "Shanghai", "latency": "any" },
          "deadline": "2026-12-01T00:00:00Z",
          "budget": "12000.00 CNY",
          "jurisdictions": [ "CN" ],
          "placement": { "prefer": [], "avoid": [] },
          "flags": { "preemptible": false, "splittable": false, "checkpointable": true },
          "run": { "command": "python train.py", "env": {}, "image": "" }
        }
        """;

    private static readonly JobDemand DesignExampleDemand = new(
        Name: "llm-finetune-7b",
        Priority: JobPriority.Normal,
        Type: JobType.Batch,
        Tasks: 8,
        Resources: new TaskResources(16, new ByteSize(128L << 30), new AcceleratorDemand(8, ComputeGrade.A, null, null)),
        Duration: TimeSpan.FromHours(6),
        Inputs: ["corpus-zh"],
        Output: new OutputSpec(new ByteSize(50_000_000_000), OutputDestination.User),
        User: new UserSpec("Shanghai", null),
        Deadline: new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
        Budget: new Money(1_200_000, "CNY"),
        Jurisdictions: ["CN"],
        Placement: PlacementPreference.None,
        Flags: new JobFlags(false, false, true),
        Run: new RunSpec("python train.py", ImmutableSortedDictionary<string, string>.Empty, ""));

    private static JobSpec Single(string text, string source)
    {
        var result = JobSpecReader.Read(text, source);
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return Assert.Single(result.Jobs);
    }

    [Fact]
    public void Design_example_yaml_reads_to_the_expected_demand()
    {
        var job = Single(DesignExampleYaml, "job.yaml");

        Assert.Equal(DesignExampleDemand, job.Demand);
        Assert.Null(job.Tenant);
        Assert.Null(job.Submit);
    }

    [Fact]
    public void Design_example_json_reads_to_the_same_demand_as_yaml()
    {
        var fromJson = Single(DesignExampleJson, "job.json");
        var fromYaml = Single(DesignExampleYaml, "job.yaml");

        Assert.Equal(fromYaml, fromJson);
    }

    [Theory]
    [InlineData("{ count: 1, grade: A, model: H20 }", "give only one of grade, model or cu, not grade and model")]
    [InlineData("{ count: 1 }", "say which accelerators: give one of grade (A–D), model or cu")]
    public void Accelerator_kind_rule_is_reported_once_at_the_accelerators_line(string accelerators, string message)
    {
        var result = JobSpecReader.Read($"""
            apiVersion: suanwang/v1
            kind: Job
            name: one-kind
            resources:
              cpu: 1
              memory: 1GiB
              accelerators: {accelerators}
            duration: 10m
            """, "job.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("resources.accelerators", 7, message), (error.Path, error.Position?.Line, error.Message));
    }

    [Fact]
    public void Omitted_fields_take_their_documented_defaults()
    {
        var job = Single("""
            apiVersion: suanwang/v1
            kind: Job
            name: minimal
            resources: { cpu: 1, memory: 1GiB }
            duration: 10m
            """, "min.yaml");

        var expected = new JobDemand("minimal", JobPriority.Normal, JobType.Batch, 1, new TaskResources(1, new ByteSize(1L << 30), null),
            TimeSpan.FromMinutes(10), [], null, null, null, null, [], PlacementPreference.None, JobFlags.None, null);
        Assert.Equal(expected, job.Demand);
    }

    [Fact]
    public void Bad_example_reports_every_bad_field_at_once_with_line_and_path()
    {
        var text = File.ReadAllText(Path.Combine(SpecTestFiles.RepositoryRoot(), "examples", "invalid", "bad-job.yaml"));

        var result = JobSpecReader.Read(text, "bad-job.yaml");

        Assert.Empty(result.Jobs);
        (int Line, string Path)[] expected =
        [
            (5, "name"), (6, "priority"), (8, "tasks"), (10, "resources.cpu"), (11, "resources.memory"),
            (12, "resources.accelerators"), (13, "duration"), (14, "inputs[1].dataset"), (15, "output.size"),
            (16, "user.latency"), (17, "budget"), (18, "jurisdictions[0]"), (19, "placement.avoid[0]"),
            (20, "flags.preemptible"), (20, "flags.splittable"), (21, "run.env.1BAD"), (22, "gpus"),
        ];
        Assert.Equal(expected, result.Errors.Select(e => (e.Position!.Value.Line, e.Path)).OrderBy(e => e.Line).ThenBy(e => e.Path));
        Assert.All(result.Errors, e => Assert.Equal("bad-job.yaml", e.Source));
        Assert.Contains(result.Errors, e => e.Path == "resources.accelerators" && e.Message.Contains("not grade and model"));
        Assert.Contains(result.Errors, e => e.Path == "resources.memory" && e.Message.Contains("'128' is not a size"));
        Assert.Contains(result.Errors, e => e.Path == "output.size" && e.Message.Contains("negative"));
        Assert.Contains(result.Errors, e => e.Path == "tasks" && e.Message.Contains("gang"));
        Assert.Contains(result.Errors, e => e.Path == "gpus" && e.Message.StartsWith("unknown field 'gpus'"));
        Assert.Equal(new SourcePosition(21, 41), result.Errors.Single(e => e.Path == "run.env.1BAD").Position); // at the name, not the value
    }

    [Fact]
    public void Errors_are_ordered_by_line_and_formatted_like_a_compiler()
    {
        var result = JobSpecReader.Read("""
            apiVersion: suanwang/v1
            kind: Job
            name: x
            resources: { cpu: 1, memory: 1GiB }
            duration: 0s
            tasks: 0
            """, "j.yaml");

        Assert.Equal(
            ["j.yaml:5:11: duration: must be more than zero, found 0s", "j.yaml:6:8: tasks: must be at least 1, found 0"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Unknown_field_is_reported_with_its_line_and_the_expected_fields()
    {
        var result = JobSpecReader.Read("""
            apiVersion: suanwang/v1
            kind: Job
            name: x
            resources:
              cpu: 1
              memory: 1GiB
              gpu: 2
            duration: 1h
            """, "j.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("resources.gpu", error.Path);
        Assert.Equal(new SourcePosition(7, 3), error.Position);
        Assert.StartsWith("unknown field 'gpu'; expected one of: cpu, memory, accelerators", error.Message);
    }

    [Fact]
    public void Malformed_yaml_gives_one_clear_error_with_a_line()
    {
        var result = JobSpecReader.Read("apiVersion: suanwang/v1\nkind: Job\nname: [unclosed\nduration: 1h\n", "j.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("malformed YAML: ", error.Message);
        Assert.NotNull(error.Position);
        Assert.InRange(error.Position!.Value.Line, 3, 5);
        Assert.DoesNotContain("   at ", error.Message);
    }

    [Fact]
    public void Malformed_json_gives_one_clear_error_with_a_line()
    {
        var result = JobSpecReader.Read("{\n  \"apiVersion\": \"suanwang/v1\",\n  \"kind\": \"Job\"\n  \"name\": \"x\"\n}\n", "j.json");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("malformed JSON: ", error.Message);
        Assert.Equal(4, error.Position!.Value.Line);
        Assert.DoesNotContain("LineNumber", error.Message);
    }

    [Theory]
    [InlineData("", "j.yaml")]
    [InlineData("# only a comment\n", "j.yaml")]
    [InlineData("[]", "j.json")]
    public void A_file_without_jobs_is_an_error(string text, string source)
    {
        var error = Assert.Single(JobSpecReader.Read(text, source).Errors);
        Assert.StartsWith("the file holds no job", error.Message);
    }

    [Fact]
    public void Wrong_kind_and_version_stop_at_the_header()
    {
        var result = JobSpecReader.Read("apiVersion: suanwang/v2\nkind: Scenario\nseed: 42\nsites: []\n", "s.yaml");

        Assert.Equal(
            [("apiVersion", 1), ("kind", 2)],
            result.Errors.Select(e => (e.Path, e.Position!.Value.Line)));
        Assert.Contains("expected suanwang/v1", result.Errors[0].Message);
        Assert.Contains("kind: Job", result.Errors[1].Message);
    }

    [Fact]
    public void Missing_header_and_required_fields_are_all_reported()
    {
        var result = JobSpecReader.Read("name: x\n", "j.yaml");

        Assert.Equal(["apiVersion", "duration", "kind", "resources"], result.Errors.Select(e => e.Path).Order());
        Assert.All(result.Errors, e => Assert.Contains("is missing", e.Message));
    }

    [Fact]
    public void A_list_of_jobs_reads_each_and_prefixes_paths_with_the_index()
    {
        var text = File.ReadAllText(Path.Combine(SpecTestFiles.RepositoryRoot(), "examples", "jobs", "recorded-jobs.yaml"));

        var result = JobSpecReader.Read(text, "recorded-jobs.yaml");

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.Equal(["nightly-etl", "resnet-train", "edge-detector"], result.Jobs.Select(j => j.Demand.Name));
        Assert.Equal(["t-acme", "t-vision", "t-city"], result.Jobs.Select(j => j.Tenant));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(90), TimeSpan.FromHours(2)], result.Jobs.Select(j => j.Submit));

        var broken = JobSpecReader.Read(text.Replace("tasks: 2", "tasks: two").Replace("latency: city", "latency: town"), "recorded-jobs.yaml");
        Assert.Equal(["[1].tasks", "[2].user.latency"], broken.Errors.Select(e => e.Path));
        Assert.Empty(broken.Jobs);
    }

    [Fact]
    public void A_yaml_stream_and_json_lines_hold_several_jobs()
    {
        const string job = "{apiVersion: suanwang/v1, kind: Job, name: NAME, resources: {cpu: 1, memory: 1GiB}, duration: 1h}";
        var stream = JobSpecReader.Read($"{job.Replace("NAME", "a")}\n---\n{job.Replace("NAME", "b")}\n---\n", "jobs.yaml");
        Assert.Equal(["a", "b"], stream.Jobs.Select(j => j.Demand.Name));

        const string line = """{"apiVersion": "suanwang/v1", "kind": "Job", "name": "NAME", "resources": {"cpu": 1, "memory": "1GiB"}, "duration": "DUR"}""";
        var lines = JobSpecReader.Read($"{line.Replace("NAME", "a").Replace("DUR", "1h")}\n{line.Replace("NAME", "b").Replace("DUR", "1 h")}\n", "jobs.jsonl");
        var error = Assert.Single(lines.Errors);
        Assert.Equal("[1].duration", error.Path);
        Assert.Equal(2, error.Position!.Value.Line);
    }

    [Fact]
    public void Accelerator_models_are_checked_against_the_catalogue_when_given()
    {
        const string text = """
            apiVersion: suanwang/v1
            kind: Job
            name: x
            resources: { cpu: 1, memory: 1GiB, accelerators: { count: 1, model: H200-NVL } }
            duration: 1h
            """;

        Assert.True(JobSpecReader.Read(text, "j.yaml").IsValid);
        var error = Assert.Single(JobSpecReader.Read(text, "j.yaml", model => model == "H20").Errors);
        Assert.Equal(("resources.accelerators.model", 4, "unknown accelerator model 'H200-NVL'"), (error.Path, error.Position!.Value.Line, error.Message));
    }

    [Fact]
    public void A_field_that_fails_to_bind_is_not_reported_again_by_the_rules_that_read_it()
    {
        var result = JobSpecReader.Read("""
            apiVersion: suanwang/v1
            kind: Job
            name: x
            type: arry
            tasks: many
            resources: { cpu: 1, memory: 1GiB, accelerators: { count: 1, grade: Z } }
            duration: 1h
            flags: { splittable: true }
            """, "j.yaml");

        Assert.Equal(["type", "tasks", "resources.accelerators.grade"], result.Errors.Select(e => e.Path));
        Assert.Equal("'Z' is not a grade; expected A, B, C or D", result.Errors[2].Message);
    }

    [Fact]
    public void Latency_any_means_no_tier_and_tenant_must_be_a_name()
    {
        var result = JobSpecReader.Read("""
            apiVersion: suanwang/v1
            kind: Job
            name: x
            tenant: Acme Corp
            resources: { cpu: 1, memory: 1GiB }
            duration: 1h
            user: { location: Wuhan, latency: beyond }
            """, "j.yaml");

        Assert.Equal(["tenant", "user.latency"], result.Errors.Select(e => e.Path));
    }
}
