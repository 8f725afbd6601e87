using System.Globalization;

namespace Suanwang.Cli.Tests;

/// <summary>The command line reads and prints numbers the invariant way, whatever the caller's culture.</summary>
public sealed class CultureTests
{
    /// <summary>
    /// German number conventions (decimal comma, dot groups). The build runs in invariant-globalization mode,
    /// where named cultures such as de-DE cannot be created, so the conventions are set on a copy of the invariant culture.
    /// </summary>
    private static CultureInfo GermanNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.NegativeSign = "\u2212";
        return culture;
    }

    private static CliRun RunUnder(CultureInfo culture, params string[] args)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            var run = Cli.Run(args);
            Assert.Same(culture, CultureInfo.CurrentCulture); // the caller's culture is given back
            return run;
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void An_inflation_option_means_the_same_under_german_number_conventions()
    {
        string[] args = ["topology", "tiers", "--preset", "cernet", "--inflation", "1.0", "--json"];
        var invariant = RunUnder(CultureInfo.InvariantCulture, args);
        var german = RunUnder(GermanNumbers(), args);

        Assert.True(invariant.Exit == 0, invariant.ToString());
        Assert.True(german.Exit == 0, german.ToString());
        Assert.Equal(1.0, german.Json().GetProperty("constants").GetProperty("inflation").GetDouble());
        Assert.Equal(invariant.Out, german.Out);
    }

    [Fact]
    public void Error_messages_use_invariant_numbers_under_german_number_conventions()
    {
        var run = RunUnder(GermanNumbers(), "topology", "tiers", "--preset", "cernet", "--hop-ms", "-1.5");

        Assert.Equal(1, run.Exit);
        Assert.Contains("--hop-ms is -1.5;", run.Err);
    }
}
