namespace Suanwang.Cli.Tests;

public sealed class UsageErrorTests
{
    public static TheoryData<string[]> UsageErrors => new()
    {
        new[] { "frobnicate" },
        Array.Empty<string>(),
        new[] { "topology" },
        new[] { "topology", "draw" },
        new[] { "topology", "show", "--bogus" },
        new[] { "topology", "tiers", "--json", "extra" },
        new[] { "topology", "show", "--preset", "china-national", "--gml", "data/topologies/Chinanet.gml" },
        new[] { "topology", "tiers", "--file", "a.yaml", "--gml", "b.gml" },
        new[] { "topology", "show", "--preset" },
        new[] { "validate" },
        new[] { "simulate" },
        new[] { "simulate", "a.yaml", "--out" },
        new[] { "simulate", "a.yaml", "--out", "" },
        new[] { "validate", "a.yaml", "b.yaml" },
        new[] { "measure", "--size", "big" },
        new[] { "topology", "tiers", "--inflation", "steep" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Usage_errors_exit_2_with_a_hint_and_nothing_on_stdout(string[] args)
    {
        var run = Cli.Run(args);

        Assert.True(run.Exit == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.StartsWith("usage error: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("System.", run.Err); // no .NET type names such as System.Int32
    }

    [Fact]
    public void An_unknown_command_is_named_once_with_the_commands_there_are()
    {
        var run = Cli.Run("frobnicate");

        var line = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("usage error:", StringComparison.Ordinal));
        Assert.Contains("'frobnicate'", line);
        Assert.Contains("topology, validate, simulate, measure", line);
    }

    [Fact]
    public void A_group_without_its_subcommand_lists_them()
    {
        var run = Cli.Run("topology");

        Assert.Contains("usage error: 'suanwang topology' needs a command: show, tiers", run.Err);
        Assert.Contains("Run 'suanwang topology --help' for usage.", run.Err);
    }

    [Fact]
    public void Two_topology_sources_are_refused_by_name()
    {
        var run = Cli.Run("topology", "show", "--preset", "china-national", "--gml", "x.gml");

        Assert.Contains("give only one of --preset, --file or --gml", run.Err);
    }

    [Fact]
    public void Help_and_version_exit_0()
    {
        var help = Cli.Run("--help");
        Assert.True(help.Exit == 0, help.ToString());
        Assert.Contains("topology", help.Out);
        Assert.Contains("validate", help.Out);
        Assert.Contains("measure", help.Out);

        var version = Cli.Run("--version");
        Assert.True(version.Exit == 0, version.ToString());
        Assert.NotEqual("", version.Out.Trim());
    }
}
