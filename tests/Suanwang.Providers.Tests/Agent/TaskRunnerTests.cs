using Suanwang.Providers.Agent;
using Suanwang.Providers.Adapters;
using static Suanwang.Providers.Tests.Agent.AgentTestTasks;

namespace Suanwang.Providers.Tests.Agent;

/// <summary>The agent's task phases with real processes (short real commands; waits are on process ends, not sleeps).</summary>
public sealed class TaskRunnerTests : IDisposable
{
    private readonly AgentTestTasks _tasks = new();

    public void Dispose() => _tasks.Dispose();

    [Fact]
    public async Task A_shell_command_that_exits_3_fails_with_exit_code_3_and_its_output()
    {
        var (outcome, output, _) = await _tasks.RunAsync(Request("echo hi; echo oops >&2; exit 3"));
        Assert.Equal(new TaskOutcome(TaskPhase.Failed, 3, "exited with code 3"), outcome);
        Assert.Contains("hi\n", output, StringComparison.Ordinal);
        Assert.Contains("oops\n", output, StringComparison.Ordinal); // stderr is streamed too
    }

    [Fact]
    public async Task Args_run_the_executable_without_a_shell()
    {
        // A shell would expand $HOME and * and split "a b"; printf sees them verbatim.
        var (outcome, output, _) = await _tasks.RunAsync(Request("/usr/bin/printf", args: ["%s|", "a b", "$HOME", "*"]));
        Assert.Equal(TaskPhase.Succeeded, outcome.Phase);
        Assert.Equal("a b|$HOME|*|", output);
    }

    [Fact]
    public async Task The_task_gets_its_environment_and_nothing_of_the_agents()
    {
        Environment.SetEnvironmentVariable("SUANWANG_AGENT_TEST_SECRET", "leaked");
        var (outcome, output, _) = await _tasks.RunAsync(Request("echo \"$GREETING|$SUANWANG_AGENT_TEST_SECRET|$SUANWANG_TASK_ID|$PATH\"", env: new() { ["GREETING"] = "hello 'world'" }));
        Assert.Equal(TaskPhase.Succeeded, outcome.Phase);
        Assert.Equal("hello 'world'||j-1#0|/usr/local/bin:/usr/bin:/bin\n", output);
    }

    [Fact]
    public async Task The_working_directory_is_made_inside_the_task_directory()
    {
        var (outcome, output, _) = await _tasks.RunAsync(Request("pwd", workdir: "sub/dir"));
        Assert.Equal(TaskPhase.Succeeded, outcome.Phase);
        // j-1#0 has a '#', so its directory is j-1_0 plus 8 hex digits of the id's SHA-256.
        Assert.Matches(@"/work/tasks/acme/j-1_0-[0-9a-f]{8}/sub/dir\n$", output);
        Assert.StartsWith(_tasks.WorkDirectory, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_its_wall_time_the_whole_process_group_is_killed()
    {
        var started = DateTime.UtcNow;
        var (outcome, output, pid) = await _tasks.RunAsync(Request("echo started; sleep 60 & sleep 60; echo never", seconds: 0.5));
        Assert.Equal(TaskPhase.Failed, outcome.Phase);
        Assert.StartsWith("wall time exceeded: still running after 0.5 s", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(137, outcome.ExitCode); // SIGKILL
        Assert.Equal("started\n", output);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        Assert.Empty(LiveMembers(pid!.Value)); // the background sleep died with its group
    }

    [Fact]
    public async Task Cancelling_kills_the_task_and_reports_it_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var (outcome, _, _) = await _tasks.RunAsync(Request("sleep 60"), running: () => cancel.CancelAfter(200), cancel: cancel.Token);
        Assert.Equal(TaskPhase.Cancelled, outcome.Phase);
        Assert.Equal("stopped by the server; its process group was killed", outcome.Message);
    }

    [Fact]
    public async Task The_memory_limit_makes_an_over_allocating_process_fail()
    {
        // awk doubles a string to 2^27 characters (128 MiB, more while copying): fine without a limit,
        // out of memory under 64 MiB of address space (the task's 64 MiB × 1 task on this node).
        const string grow = "awk 'BEGIN { s = \"x\"; for (i = 0; i < 27; i++) s = s s; print length(s) }'";
        var free = await _tasks.RunAsync(Request(grow, taskId: "free"));
        Assert.Equal((TaskPhase.Succeeded, "134217728\n"), (free.Outcome.Phase, free.Output));
        var limited = await _tasks.RunAsync(Request(grow, memory: 64L << 20, taskId: "limited"));
        Assert.Equal(TaskPhase.Failed, limited.Outcome.Phase);
        Assert.Contains("out of memory", limited.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outputs_over_the_declared_size_fail_the_task()
    {
        // Two 800-byte files: each under the 1 KiB file-size limit, together over the declared 1 KiB.
        var (outcome, _, _) = await _tasks.RunAsync(Request("head -c 800 /dev/zero > \"$SUANWANG_OUTPUT/a\"; head -c 800 /dev/zero > \"$SUANWANG_OUTPUT/b\"", output: 1024));
        Assert.Equal(TaskPhase.Failed, outcome.Phase);
        Assert.Equal("output too large: output/ holds 1600 bytes, more than the declared output.size 1KiB (1024 bytes)", outcome.Message);

        // One file past the limit is cut off by RLIMIT_FSIZE (SIGXFSZ) before it fills the disk.
        var single = await _tasks.RunAsync(Request("head -c 100000 /dev/zero > \"$SUANWANG_OUTPUT/big\"", output: 1024, taskId: "big"));
        Assert.Equal(TaskPhase.Failed, single.Outcome.Phase);
        var file = Directory.GetFiles(Path.Combine(_tasks.WorkDirectory, "tasks", "acme", "big", "output")).Single();
        Assert.Equal(1024, new FileInfo(file).Length);

        var link = await _tasks.RunAsync(Request("ln -s /etc/passwd \"$SUANWANG_OUTPUT/passwd\"", output: 1024, taskId: "link"));
        Assert.Equal("output/passwd is a symbolic link to /etc/passwd, outside the task's directory", link.Outcome.Message);
    }

    public static TheoryData<string, string> BadSpecs() => new()
    {
        { "empty-command", "run.command is missing or empty" },
        { "workdir-dots", "run.workdir: '../../x' climbs out with '..'" },
        { "workdir-absolute", "run.workdir: '/tmp' is absolute" },
        { "ld-preload", "run.env: 'LD_PRELOAD' may not be set by a task" },
        { "ld-library-path", "run.env: 'LD_LIBRARY_PATH' may not be set by a task" },
        { "bash-env", "run.env: 'BASH_ENV' may not be set by a task" },
        { "ps4", "run.env: 'PS4' may not be set by a task" },
        { "bash-func", "run.env: 'BASH_FUNC_x' may not be set by a task" },
        { "bad-name", "run.env: 'A-B' is not an environment variable name" },
        { "newline-value", "run.env: the value of 'X' contains a line break or NUL" },
        { "nul-arg", "run.args: an argument contains a NUL character" },
        { "tenant-traversal", "tenant '..' cannot name a directory" },
        { "tenant-slash", "tenant 'a/../../b' cannot name a directory" },
        { "image", "run.image 'ubuntu:24.04': the agent runs plain processes" },
        { "foreign-pool", "the task is for pool 'other/box', not this agent's pool 'lab/box'" },
        { "two-nodes", "the task asks for 2 nodes; an agent is one machine" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task A_bad_spec_is_refused_before_anything_runs_or_is_created(string name, string expected)
    {
        var marker = Path.Combine(_tasks.Root, "pwned");
        var touch = $"touch {marker}";
        var request = name switch
        {
            "empty-command" => Request("  "),
            "workdir-dots" => Request(touch, workdir: "../../x"),
            "workdir-absolute" => Request(touch, workdir: "/tmp"),
            "ld-preload" => Request(touch, env: new() { ["LD_PRELOAD"] = "/tmp/evil.so" }),
            "ld-library-path" => Request(touch, env: new() { ["LD_LIBRARY_PATH"] = "/tmp" }),
            "bash-env" => Request(touch, env: new() { ["BASH_ENV"] = "/tmp/evil.sh" }),
            "ps4" => Request(touch, env: new() { ["PS4"] = "$(touch /tmp/x)" }),
            "bash-func" => Request(touch, env: new() { ["BASH_FUNC_x"] = "() { :; }" }),
            "bad-name" => Request(touch, env: new() { ["A-B"] = "1" }),
            "newline-value" => Request(touch, env: new() { ["X"] = "1\nLD_PRELOAD=/tmp/evil.so" }),
            "nul-arg" => Request("/usr/bin/touch", args: [marker + "\0x"]),
            "tenant-traversal" => Request(touch, tenant: ".."),
            "tenant-slash" => Request(touch, tenant: "a/../../b"),
            "image" => Request(touch, image: "ubuntu:24.04"),
            "foreign-pool" => Request(touch, pool: "other/box"),
            "two-nodes" => Request(touch, nodes: 2),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var (outcome, output, pid) = await _tasks.RunAsync(request);
        Assert.Equal(TaskPhase.Failed, outcome.Phase);
        Assert.StartsWith($"refused before running: {expected}", outcome.Message, StringComparison.Ordinal);
        Assert.Null(outcome.ExitCode);
        Assert.Null(pid);
        Assert.Equal("", output);
        Assert.False(File.Exists(marker));
        Assert.Equal([_tasks.WorkDirectory], Directory.GetFileSystemEntries(_tasks.Root)); // nothing new next to the work directory
        Assert.Empty(Directory.GetFileSystemEntries(_tasks.WorkDirectory)); // and no task directory either
    }

    [Fact]
    public async Task A_symbolic_link_on_the_way_to_the_task_directory_is_refused()
    {
        var elsewhere = Path.Combine(_tasks.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        Directory.CreateDirectory(Path.Combine(_tasks.WorkDirectory, "tasks"));
        File.CreateSymbolicLink(Path.Combine(_tasks.WorkDirectory, "tasks", "acme"), elsewhere);
        var (outcome, _, pid) = await _tasks.RunAsync(Request("touch x"));
        Assert.Equal(TaskPhase.Failed, outcome.Phase);
        Assert.Contains("is a symbolic link", outcome.Message, StringComparison.Ordinal);
        Assert.Null(pid);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }
}
