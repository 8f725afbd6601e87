using Suanwang.Simulation.Scenarios;
using static Suanwang.Simulation.Tests.Scenarios.ScenarioTestFiles;

namespace Suanwang.Simulation.Tests.Scenarios;

/// <summary>The <c>jobs:</c> workload: a recorded list of job specs, checked as part of the scenario.</summary>
public sealed class RecordedJobsTests
{
    private const string GoodJob = """
        - apiVersion: suanwang/v1
          kind: Job
          name: etl
          tenant: t-acme
          submit: 0s
          resources: { cpu: 4, memory: 16GiB }
          duration: 1h
        """;

    [Fact]
    public void ErrorInAJobFileNamesThatFileAndItsLine()
    {
        using var folder = new TempFolder();
        var jobs = GoodJob + """

            - apiVersion: suanwang/v1
              kind: Job
              name: train
              tenant: t-acme
              submit: 1h
              tasks: many
              resources: { cpu: 4, memory: 16GiB }
              duration: 1h
            """;
        folder.Write("jobs/recorded.yaml", jobs);
        var yaml = Header + """

            workloads:
              - jobs: jobs/recorded.yaml
              - { swf: missing.swf, site: nowhere }
            """;
        var result = ScenarioLoader.Load(yaml, "scenarios/s.yaml", folder.Path, IsKnownModel);

        Assert.Null(result.Scenario);
        Assert.Equal(
            [("scenarios/s.yaml", 6, "workloads[1].swf"), ("scenarios/s.yaml", 6, "workloads[1].site"), ("scenarios/jobs/recorded.yaml", LineOf(jobs, "many"), "[1].tasks")],
            result.Errors.Select(e => (e.Source, e.Position!.Value.Line, e.Path)));
        Assert.Equal("'many' is not a whole number", result.Errors[2].Message);
    }

    [Fact]
    public void RecordedJobsNeedTenantAndSubmit()
    {
        using var folder = new TempFolder();
        var jobs = GoodJob + """

            - apiVersion: suanwang/v1
              kind: Job
              name: anonymous
              resources: { cpu: 4, memory: 16GiB }
              duration: 1h
            """;
        folder.Write("recorded.yaml", jobs);
        var result = ScenarioLoader.Load(Header + "\nworkloads:\n  - jobs: recorded.yaml", "s.yaml", folder.Path, IsKnownModel);

        var line = LineOf(jobs, "name: anonymous") - 2;
        Assert.Equal([("recorded.yaml", line, "[1].tenant"), ("recorded.yaml", line, "[1].submit")], result.Errors.Select(e => (e.Source, e.Position!.Value.Line, e.Path)));
        Assert.Equal("recorded job 'anonymous' needs 'tenant': the tenant that submitted it", result.Errors[0].Message);
    }

    [Fact]
    public void MissingJobFileIsReportedAtTheJobsField()
    {
        using var folder = new TempFolder();
        var error = Single(ScenarioLoader.Load(Header + "\nworkloads:\n  - jobs: none.yaml", "s.yaml", folder.Path, IsKnownModel));
        Assert.Equal((5, "workloads[0].jobs"), (error.Position!.Value.Line, error.Path));
        Assert.Equal($"job file 'none.yaml' not found (looked for {Path.Combine(folder.Path, "none.yaml")})", error.Message);
    }

    [Fact]
    public void ValidJobFileLoads()
    {
        using var folder = new TempFolder();
        folder.Write("recorded.yaml", GoodJob);
        var scenario = Valid(ScenarioLoader.Load(Header + "\nworkloads:\n  - jobs: recorded.yaml", "s.yaml", folder.Path, IsKnownModel));
        Assert.Equal(new RecordedWorkload("recorded.yaml"), Assert.Single(scenario.Spec.Workloads));
    }
}
