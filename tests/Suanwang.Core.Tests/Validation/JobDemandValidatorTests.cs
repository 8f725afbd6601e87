using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Tests.Validation;

public class JobDemandValidatorTests
{
    private static readonly JobDemand Valid = new(
        Name: "llm-finetune-7b",
        Priority: JobPriority.Normal,
        Type: JobType.Gang,
        Tasks: 4,
        Resources: new TaskResources(16, new ByteSize(128L << 30), new AcceleratorDemand(8, ComputeGrade.A, null, null)),
        Duration: TimeSpan.FromHours(6),
        Inputs: ["corpus-zh", "instruct-zh"],
        Output: new OutputSpec(new ByteSize(50_000_000_000), OutputDestination.User),
        User: new UserSpec("Shanghai", LatencyTier.National),
        Deadline: new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
        Budget: new Money(1_200_000, "CNY"),
        Jurisdictions: ["CN"],
        Placement: new PlacementPreference(["ningxia-hub"], ["p-discount"]),
        Flags: new JobFlags(false, false, true),
        Run: new RunSpec("python train.py", ImmutableSortedDictionary<string, string>.Empty.Add("OMP_NUM_THREADS", "8"), "registry/train:1"));

    private static string[] Paths(JobDemand demand, Func<string, bool>? known = null) =>
        [.. JobDemandValidator.Validate(demand, known).Select(e => e.Path)];

    private static ValidationError Only(JobDemand demand, Func<string, bool>? known = null) =>
        Assert.Single(JobDemandValidator.Validate(demand, known));

    [Fact]
    public void A_valid_demand_has_no_errors()
    {
        Assert.Empty(JobDemandValidator.Validate(Valid));
        Assert.Empty(JobDemandValidator.Validate(Valid with { Type = JobType.Array, Flags = new JobFlags(true, true, true) }));
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once()
    {
        var bad = Valid with
        {
            Name = "Bad Name",
            Tasks = 0,
            Resources = new TaskResources(0, ByteSize.Zero, new AcceleratorDemand(0, null, null, null)),
            Duration = TimeSpan.Zero,
            Inputs = ["a", "a"],
            Budget = new Money(-1, "CNY"),
            Jurisdictions = ["china"],
            Flags = new JobFlags(false, true, false),
        };

        Assert.Equal(
            ["name", "tasks", "resources.cpu", "resources.memory", "resources.accelerators.count", "resources.accelerators",
             "duration", "inputs[1].dataset", "budget", "jurisdictions[0]", "flags.splittable"],
            Paths(bad));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("llm-finetune-7b", true)]
    [InlineData("0day", true)]
    [InlineData("", false)]
    [InlineData("LLM", false)]
    [InlineData("llm_7b", false)]
    [InlineData("-llm", false)]
    [InlineData("llm-", false)]
    [InlineData("llm.7b", false)]
    [InlineData("上海-job", false)]
    public void Names_are_dns_labels(string name, bool valid)
    {
        Assert.Equal(valid, JobDemandValidator.IsValidName(name));
        Assert.Equal(valid, Paths(Valid with { Name = name }).Length == 0);
    }

    [Fact]
    public void Names_longer_than_63_characters_are_refused()
    {
        Assert.True(JobDemandValidator.IsValidName(new string('a', 63)));
        Assert.Contains("64 characters long", Only(Valid with { Name = new string('a', 64) }).Message);
    }

    [Fact]
    public void A_gang_of_one_is_an_error_but_a_batch_or_array_of_one_is_not()
    {
        Assert.Equal(new ValidationError("tasks", "a gang needs at least 2 tasks that start together; use type: batch for a single task"),
            Only(Valid with { Tasks = 1 }));
        Assert.Empty(Paths(Valid with { Tasks = 1, Type = JobType.Batch }));
        Assert.Empty(Paths(Valid with { Tasks = 1, Type = JobType.Array }));
    }

    [Theory]
    [InlineData(JobType.Batch)]
    [InlineData(JobType.Gang)]
    [InlineData(JobType.Service)]
    public void Only_array_jobs_may_be_splittable(JobType type)
    {
        var error = Only(Valid with { Type = type, Flags = new JobFlags(false, true, false) });

        Assert.Equal("flags.splittable", error.Path);
        Assert.Contains($"this is a {type.ToString().ToLowerInvariant()} job", error.Message);
    }

    [Fact]
    public void Accelerators_need_exactly_one_kind()
    {
        AcceleratorDemand[] wrong =
        [
            new(1, null, null, null),
            new(1, ComputeGrade.A, "H20", null),
            new(1, ComputeGrade.A, "H20", 100),
        ];
        foreach (var accelerators in wrong)
            Assert.Equal("resources.accelerators", Only(Valid with { Resources = Valid.Resources with { Accelerators = accelerators } }).Path);

        Assert.Equal("give only one of grade, model or cu, not grade and model",
            Only(Valid with { Resources = Valid.Resources with { Accelerators = wrong[1] } }).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Compute_units_must_be_a_positive_number(double cu)
    {
        var demand = Valid with { Resources = Valid.Resources with { Accelerators = new AcceleratorDemand(1, null, null, cu) } };

        Assert.Equal("resources.accelerators.cu", Only(demand).Path);
    }

    [Fact]
    public void Models_are_checked_against_the_catalogue_only_when_one_is_given()
    {
        var demand = Valid with { Resources = Valid.Resources with { Accelerators = new AcceleratorDemand(2, null, "B300", null) } };

        Assert.Empty(Paths(demand));
        Assert.Empty(Paths(demand, m => m == "B300"));
        Assert.Equal(new ValidationError("resources.accelerators.model", "unknown accelerator model 'B300'"), Only(demand, m => m == "H20"));
        Assert.Equal("must not be empty",
            Only(demand with { Resources = Valid.Resources with { Accelerators = new AcceleratorDemand(2, null, " ", null) } }).Message);
    }

    [Fact]
    public void A_cpu_only_task_still_needs_a_core_and_memory()
    {
        var demand = Valid with { Resources = new TaskResources(0, new ByteSize(-1), null) };

        Assert.Equal(["resources.cpu", "resources.memory"], Paths(demand));
    }

    [Fact]
    public void Latency_needs_a_location_and_beyond_is_not_a_requirement()
    {
        Assert.Equal(new ValidationError("user.location", "a latency tier needs a user location to measure from"),
            Only(Valid with { User = new UserSpec("", LatencyTier.City) }));
        Assert.Equal("must not be empty", Only(Valid with { User = new UserSpec(" ", null) }).Message);
        Assert.Equal("user.latency", Only(Valid with { User = new UserSpec("Shanghai", LatencyTier.Beyond) }).Path);
    }

    [Fact]
    public void Output_to_the_user_needs_a_user()
    {
        Assert.Equal("output.to", Only(Valid with { User = null }).Path);
        Assert.Empty(Paths(Valid with { User = null, Output = new OutputSpec(ByteSize.Zero, OutputDestination.Site) }));
        Assert.Equal("output.size", Only(Valid with { Output = new OutputSpec(new ByteSize(-1), OutputDestination.User) }).Path);
    }

    [Theory]
    [InlineData(0, "CNY", "must be more than zero")]
    [InlineData(-100, "CNY", "is negative")]
    [InlineData(100, "cny", "ISO 4217")]
    [InlineData(100, "YUAN", "ISO 4217")]
    public void Budgets_are_positive_with_an_iso_currency(long minor, string currency, string expected)
    {
        var error = Only(Valid with { Budget = new Money(minor, currency) });

        Assert.Equal("budget", error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Jurisdictions_are_upper_case_codes_listed_once()
    {
        Assert.Empty(Paths(Valid with { Jurisdictions = ["CN", "HK", "SGP"] }));
        Assert.Equal(["jurisdictions[1]", "jurisdictions[2]", "jurisdictions[3]", "jurisdictions[4]"],
            Paths(Valid with { Jurisdictions = ["CN", "cn", "CN-GD", "", "CN"] }));
    }

    [Fact]
    public void Inputs_and_placement_lists_are_checked_for_duplicates_and_conflicts()
    {
        var demand = Valid with
        {
            Inputs = ["a", "", "a"],
            Placement = new PlacementPreference(["s1", "s2", "s1"], ["s2", "p3"]),
        };

        var errors = JobDemandValidator.Validate(demand);

        Assert.Equal(["inputs[1].dataset", "inputs[2].dataset", "placement.prefer[2]", "placement.avoid[0]"], errors.Select(e => e.Path));
        Assert.Equal("dataset 'a' is listed twice (first at inputs[0].dataset)", errors[1].Message);
        Assert.Contains("both preferred and avoided", errors[3].Message);
    }

    [Fact]
    public void Run_needs_a_command_valid_variable_names_and_an_image_without_spaces()
    {
        var run = new RunSpec(" ", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("GOOD_1", "x"), KeyValuePair.Create("1BAD", "x"), KeyValuePair.Create("NO-DASH", "x")]), "my image");

        Assert.Equal(["run.command", "run.image", "run.env.1BAD", "run.env.NO-DASH"], Paths(Valid with { Run = run }));
    }

    [Fact]
    public void Demands_from_json_with_missing_parts_are_reported_not_thrown()
    {
        var demand = Valid with { Name = null!, Resources = null!, Inputs = default, Jurisdictions = default, Placement = null!, Flags = null!, Run = null };

        Assert.Equal(["name", "resources"], Paths(demand));
    }

    [Fact]
    public void Undefined_enum_values_are_errors()
    {
        var demand = Valid with { Priority = (JobPriority)9, Type = (JobType)9, Tasks = 2 };

        Assert.Equal(["priority", "type"], Paths(demand));
    }

    [Fact]
    public void Deadline_is_not_compared_with_any_clock()
    {
        Assert.Empty(Paths(Valid with { Deadline = new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
    }
}
