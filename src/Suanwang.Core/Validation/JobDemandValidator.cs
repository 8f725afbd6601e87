using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Suanwang.Core.Model;

namespace Suanwang.Core.Validation;

/// <summary>
/// Checks a <see cref="JobDemand"/> against the rules of a job spec (docs/job-spec.md) and returns
/// <em>every</em> broken rule with its field path, not just the first. Usable on its own: the job
/// spec reader runs it after binding a file, and the server runs it on demands that arrive as JSON.
/// It has no clock, so it does not compare the deadline with the present.
/// </summary>
public static partial class JobDemandValidator
{
    /// <summary>The longest name accepted, as for a Kubernetes label value or DNS label.</summary>
    public const int MaxNameLength = 63;

    private const string NameRule = "use 1–63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. llm-finetune-7b";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z]{2,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex JurisdictionPattern();

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();

    /// <summary>Checks <paramref name="demand"/>; an empty result means it is valid.</summary>
    /// <param name="demand">The demand to check.</param>
    /// <param name="isKnownAcceleratorModel">
    /// Answers whether an accelerator model is in the catalogue; when null, model names are only
    /// checked for being non-empty.
    /// </param>
    /// <returns>All broken rules, in field order.</returns>
    public static ImmutableArray<ValidationError> Validate(JobDemand demand, Func<string, bool>? isKnownAcceleratorModel = null) =>
        [.. Check(demand, isKnownAcceleratorModel).Select(f => f.Error)];

    /// <summary>
    /// True for a valid job (or tenant) name: 1–63 characters of lower-case ASCII letters, digits
    /// and '-', starting and ending with a letter or digit — a DNS label, as Kubernetes requires of
    /// names, so a job's name can be used unchanged by every provider.
    /// </summary>
    public static bool IsValidName(string? name) => NameProblem(name, "name") is null;

    /// <summary>Why <paramref name="name"/> is not a valid name, or null when it is.</summary>
    internal static string? NameProblem(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
            return $"{what} must not be empty; {NameRule}";
        if (name.Length > MaxNameLength)
            return string.Create(CultureInfo.InvariantCulture, $"{what} is {name.Length} characters long; {NameRule}");
        return NamePattern().IsMatch(name) ? null : $"'{name}' is not a valid {what}; {NameRule}";
    }

    /// <summary>
    /// Every broken rule, each with the other fields the rule also read (<see cref="Finding.DependsOn"/>),
    /// so a file reader can drop findings that only follow from a field it already reported as unreadable.
    /// </summary>
    internal static ImmutableArray<Finding> Check(JobDemand demand, Func<string, bool>? isKnownAcceleratorModel)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var findings = ImmutableArray.CreateBuilder<Finding>(0); // most demands are valid: no array until the first finding
        void Add(string path, string message, params string[] dependsOn) => findings.Add(new Finding(new ValidationError(path, message), [.. dependsOn]));
        Action<string, string, string[]> add = Add; // one delegate for the helpers below, not one per call

        if (NameProblem(demand.Name, "name") is { } nameProblem)
            Add("name", nameProblem);
        if (!Enum.IsDefined(demand.Priority))
            Add("priority", string.Create(CultureInfo.InvariantCulture, $"unknown priority {(int)demand.Priority}; expected low, normal, high or urgent"));
        if (!Enum.IsDefined(demand.Type))
            Add("type", string.Create(CultureInfo.InvariantCulture, $"unknown job type {(int)demand.Type}; expected batch, gang, array or service"));

        if (demand.Tasks < 1)
            Add("tasks", string.Create(CultureInfo.InvariantCulture, $"must be at least 1, found {demand.Tasks}"));
        else if (demand.Type == JobType.Gang && demand.Tasks < 2)
            Add("tasks", "a gang needs at least 2 tasks that start together; use type: batch for a single task", "type");

        CheckResources(demand.Resources, isKnownAcceleratorModel, add);

        if (demand.Duration <= TimeSpan.Zero)
            Add("duration", $"must be more than zero, found {Quantity.FormatDuration(demand.Duration)}");

        CheckList(demand.Inputs, i => $"inputs[{i}].dataset", "dataset", add);

        if (demand.Output is { } output)
        {
            if (output.Size < ByteSize.Zero)
                Add("output.size", string.Create(CultureInfo.InvariantCulture, $"is negative ({output.Size.Bytes} bytes); a size must be zero or more"));
            if (!Enum.IsDefined(output.To))
                Add("output.to", string.Create(CultureInfo.InvariantCulture, $"unknown destination {(int)output.To}; expected user or site"));
            else if (output.To == OutputDestination.User && demand.User is null)
                Add("output.to", "output goes to the user, but the job has no user location; add user.location or use to: site", "user");
        }

        if (demand.User is { } user)
        {
            if (string.IsNullOrWhiteSpace(user.Location))
                Add("user.location", user.Latency is null ? "must not be empty" : "a latency tier needs a user location to measure from", "user.latency");
            if (user.Latency is { } latency && (latency == LatencyTier.Beyond || !Enum.IsDefined(latency)))
                Add("user.latency", "expected city, region or national; leave it out (or write any) when any latency will do");
        }

        if (demand.Budget is { } budget)
        {
            if (budget.Currency is null || !CurrencyPattern().IsMatch(budget.Currency))
                Add("budget", $"currency '{budget.Currency}' is not an upper-case ISO 4217 code such as CNY");
            if (budget.MinorUnits < 0)
                Add("budget", $"is negative ({budget}); a budget must be more than zero");
            else if (budget.MinorUnits == 0)
                Add("budget", "must be more than zero; leave it out for no limit");
        }

        CheckList(demand.Jurisdictions, i => $"jurisdictions[{i}]", "jurisdiction", add,
            j => JurisdictionPattern().IsMatch(j) ? null : $"'{j}' is not a jurisdiction; expected an upper-case ISO 3166 country code such as CN");

        CheckPlacement(demand.Placement, add);

        if (demand.Flags is { Splittable: true } && demand.Type != JobType.Array)
            Add("flags.splittable", $"only array jobs can be split across pools; this is a {Name(demand.Type)} job", "type");

        if (demand.Run is { } run)
            CheckRun(run, add);

        return findings.ToImmutable();
    }

    private static void CheckResources(TaskResources? resources, Func<string, bool>? isKnownModel, Action<string, string, string[]> add)
    {
        if (resources is null)
        {
            add("resources", "required: the cpu and memory of each task", []);
            return;
        }
        // Every task runs a host process, even one that mostly drives accelerators, so it needs a core.
        if (resources.Cpu < 1)
            add("resources.cpu", string.Create(CultureInfo.InvariantCulture, $"must be at least 1 core, found {resources.Cpu}"), []);
        if (resources.Memory.Bytes <= 0)
            add("resources.memory", $"must be more than zero, found {resources.Memory}", []);
        if (resources.Accelerators is not { } accelerators)
            return;
        if (accelerators.Count < 1)
            add("resources.accelerators.count", string.Create(CultureInfo.InvariantCulture, $"must be at least 1, found {accelerators.Count}; leave accelerators out for CPU-only work"), []);
        string[] kinds = [.. new[] { ("grade", accelerators.Grade is not null), ("model", accelerators.Model is not null), ("cu", accelerators.ComputeUnits is not null) }
            .Where(k => k.Item2).Select(k => k.Item1)];
        if (kinds.Length != 1)
        {
            add("resources.accelerators", kinds.Length == 0
                ? "say which accelerators: give one of grade (A–D), model or cu"
                : $"give only one of grade, model or cu, not {string.Join(" and ", kinds)}", []);
        }
        if (accelerators.Grade is { } grade && !Enum.IsDefined(grade))
            add("resources.accelerators.grade", string.Create(CultureInfo.InvariantCulture, $"unknown grade {(int)grade}; expected A, B, C or D"), []);
        if (accelerators.Model is { } model)
        {
            if (string.IsNullOrWhiteSpace(model))
                add("resources.accelerators.model", "must not be empty", []);
            else if (isKnownModel is not null && !isKnownModel(model))
                add("resources.accelerators.model", $"unknown accelerator model '{model}'", []);
        }
        if (accelerators.ComputeUnits is { } cu && !(double.IsFinite(cu) && cu > 0))
            add("resources.accelerators.cu", $"must be more than zero, found {cu.ToString(CultureInfo.InvariantCulture)}", []);
    }

    private static void CheckPlacement(PlacementPreference? placement, Action<string, string, string[]> add)
    {
        if (placement is null)
            return;
        var prefer = OrEmpty(placement.Prefer);
        var avoid = OrEmpty(placement.Avoid);
        CheckList(prefer, i => $"placement.prefer[{i}]", "site or provider", add);
        CheckList(avoid, i => $"placement.avoid[{i}]", "site or provider", add);
        if (avoid.IsEmpty || prefer.IsEmpty)
            return; // nothing can be both preferred and avoided
        var preferred = prefer.Where(p => !string.IsNullOrWhiteSpace(p)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < avoid.Length; i++)
        {
            if (avoid[i] is { } site && preferred.Contains(site))
                add($"placement.avoid[{i}]", $"'{site}' is also in placement.prefer; a site or provider cannot be both preferred and avoided", []);
        }
    }

    private static void CheckRun(RunSpec run, Action<string, string, string[]> add)
    {
        if (string.IsNullOrWhiteSpace(run.Command))
            add("run.command", "must not be empty; leave run out for simulated work", []);
        if (run.Image is { } image && image.Any(char.IsWhiteSpace))
            add("run.image", $"'{image}' is not an image reference: it contains spaces", []);
        foreach (var (name, _) in run.Environment ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            if (!EnvironmentNamePattern().IsMatch(name))
                add($"run.env.{name}", $"'{name}' is not an environment variable name; use letters, digits and '_', not starting with a digit", []);
        }
        var args = run.Args ?? [];
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].Contains('\0', StringComparison.Ordinal))
                add($"run.args[{i}]", "contains a NUL character, which no argument can carry", []);
        }
        if (run.Workdir is { } workdir && WorkdirProblem(workdir) is { } problem)
            add("run.workdir", problem, []);
    }

    /// <summary>Why a run.workdir cannot be used, or null: it must be a relative path that stays inside the task's directory (no leading /, no .. segment, no control character).</summary>
    /// <param name="workdir">The working directory as written in the spec.</param>
    public static string? WorkdirProblem(string workdir)
    {
        if (workdir.Length == 0)
            return "must not be empty; leave it out to run in the task's directory";
        if (workdir.StartsWith('/') || workdir.StartsWith('\\'))
            return $"'{workdir}' is absolute; give a path relative to the task's directory";
        if (workdir.Any(char.IsControl))
            return "contains a control character";
        if (workdir.Split('/', '\\').Any(segment => segment == ".."))
            return $"'{workdir}' climbs out with '..'; give a path inside the task's directory";
        return null;
    }

    /// <summary>Reports empty entries, entries that break <paramref name="problemOf"/>, and entries repeated from earlier in the list.</summary>
    private static void CheckList(
        ImmutableArray<string> items, Func<int, string> pathOf, string what, Action<string, string, string[]> add, Func<string, string?>? problemOf = null)
    {
        items = OrEmpty(items);
        if (items.IsEmpty)
            return; // (most lists are empty: no table for them)
        var firstAt = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (string.IsNullOrWhiteSpace(item))
            {
                add(pathOf(i), $"{what} must not be empty", []);
                continue;
            }
            if (problemOf?.Invoke(item) is { } problem)
            {
                add(pathOf(i), problem, []);
                continue;
            }
            if (!firstAt.TryAdd(item, i))
                add(pathOf(i), $"{what} '{item}' is listed twice (first at {pathOf(firstAt[item])})", []);
        }
    }

    private static ImmutableArray<string> OrEmpty(ImmutableArray<string> items) => items.IsDefault ? [] : items;

    private static string Name(JobType type) => Specs.SpecEnums.Name(type);

    /// <summary>A broken rule and the other field paths the rule read.</summary>
    /// <param name="Error">The rule broken, at the field to fix.</param>
    /// <param name="DependsOn">Other fields whose values led to the finding.</param>
    internal readonly record struct Finding(ValidationError Error, ImmutableArray<string> DependsOn);
}
