using Suanwang.Core.Specs;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Tests.Specs;

/// <summary><c>run.args</c> (argv without a shell) and <c>run.workdir</c> (inside the task's directory).</summary>
public sealed class RunArgsTests
{
    private static string Job(string run) => $"""
        apiVersion: suanwang/v1
        kind: Job
        name: argv
        resources: {"{"} cpu: 1, memory: 1GiB {"}"}
        duration: 10m
        run: {run}
        """;

    [Fact]
    public void Args_and_workdir_are_read_and_absent_args_mean_a_shell_command_line()
    {
        var withArgs = Assert.Single(JobSpecReader.Read(Job("{ command: /usr/bin/printf, args: ['%s', 'a b'], workdir: out/x }"), "job.yaml").Jobs).Demand.Run!;
        Assert.Equal(["%s", "a b"], withArgs.Args!.Value.ToArray());
        Assert.Equal("out/x", withArgs.Workdir);
        var empty = Assert.Single(JobSpecReader.Read(Job("{ command: /bin/true, args: [] }"), "job.yaml").Jobs).Demand.Run!;
        Assert.True(empty.Args is { IsEmpty: true }); // present but empty: still no shell
        var shell = Assert.Single(JobSpecReader.Read(Job("{ command: 'echo hi' }"), "job.yaml").Jobs).Demand.Run!;
        Assert.Null(shell.Args);
        Assert.NotEqual(withArgs, withArgs with { Args = ["%s"] });
        Assert.Equal(withArgs, withArgs with { Args = ["%s", "a b"] }); // equal by content
    }

    [Theory]
    [InlineData("out/x", null)]
    [InlineData("./a", null)]
    [InlineData("/tmp", "'/tmp' is absolute; give a path relative to the task's directory")]
    [InlineData("a/../../b", "'a/../../b' climbs out with '..'; give a path inside the task's directory")]
    [InlineData("..", "'..' climbs out with '..'; give a path inside the task's directory")]
    [InlineData("a\nb", "contains a control character")]
    public void Workdir_must_stay_inside_the_task_directory(string workdir, string? problem) =>
        Assert.Equal(problem, JobDemandValidator.WorkdirProblem(workdir));
}
