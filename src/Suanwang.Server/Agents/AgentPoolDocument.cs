using System.Text.RegularExpressions;
using Suanwang.Core.Model;

namespace Suanwang.Server.Agents;

/// <summary>
/// What <c>suanwang agent</c> measured about its machine, as sent to <c>PUT /v1/agents/pools/{site}/{name}</c>:
/// <c>{ "kind", "cpu", "memory", "accelerators": { "model", "count" }, "gpus": [ { "name", "memory" } ], "cu", "grade",
/// "price_per_cu_hour", "pue", "carbon_g_per_kwh", "site": { "at", "tier", "jurisdiction" } }</c>. Every field is
/// nullable so a missing one is reported by name rather than read as zero.
/// </summary>
/// <param name="Kind">Pool kind: hpc, ai, general or edge.</param>
/// <param name="Cpu">Logical CPUs of the machine.</param>
/// <param name="Memory">Main memory with a unit, e.g. <c>7.6GiB</c>.</param>
/// <param name="Accelerators">Catalogue accelerators per node, or null for a CPU-only pool.</param>
/// <param name="Gpus">GPUs the agent found (informational: names as the driver reports them).</param>
/// <param name="Cu">Measured compute units of the machine (general workload), or null when not measured.</param>
/// <param name="Grade">Measured grade A–D, or null.</param>
/// <param name="PricePerCuHour">List price per CU-hour with a currency, e.g. <c>1.00 CNY</c>.</param>
/// <param name="Pue">Power usage effectiveness of the facility.</param>
/// <param name="CarbonGPerKwh">Carbon intensity of the electricity.</param>
/// <param name="Site">Where to create the site when it does not exist yet; null to require an existing site.</param>
public sealed record AgentPoolDocument(
    string? Kind,
    int? Cpu,
    string? Memory,
    AgentAcceleratorsDocument? Accelerators,
    IReadOnlyList<AgentGpuDocument>? Gpus,
    double? Cu,
    string? Grade,
    string? PricePerCuHour,
    double? Pue,
    double? CarbonGPerKwh,
    AgentSiteDocument? Site);

/// <summary>Catalogue accelerators on the agent's machine.</summary>
/// <param name="Model">Catalogue model name.</param>
/// <param name="Count">Devices.</param>
public sealed record AgentAcceleratorsDocument(string? Model, int? Count);

/// <summary>One GPU as the agent's <c>nvidia-smi</c> reported it.</summary>
/// <param name="Name">The driver's name for it.</param>
/// <param name="Memory">Its memory with a unit, or null.</param>
public sealed record AgentGpuDocument(string? Name, string? Memory);

/// <summary>A site for an agent to create: where it attaches, its tier and jurisdiction (its provider is the caller).</summary>
/// <param name="At">The point of presence.</param>
/// <param name="Tier">hub, region or edge.</param>
/// <param name="Jurisdiction">Upper-case ISO 3166 code.</param>
public sealed record AgentSiteDocument(string? At, string? Tier, string? Jurisdiction);

/// <summary>Strict checks of an <see cref="AgentPoolDocument"/> beyond its JSON types.</summary>
internal static partial class AgentPoolRules
{
    /// <summary>The most GPUs one registration may list.</summary>
    public const int MaxGpus = 64;

    /// <summary>Problems with a registration, each prefixed by its field; empty when it is usable.</summary>
    public static IReadOnlyList<string> Check(AgentPoolDocument document, string name)
    {
        var errors = new List<string>();
        if (!PoolName().IsMatch(name))
            errors.Add($"name: '{name}' is not a pool name: 1–63 letters, digits, '-', '_', '.', starting with a letter or digit");
        if (document.Kind is null)
            errors.Add("kind: required, one of hpc, ai, general, edge");
        else if (!Enum.TryParse<PoolKind>(document.Kind, ignoreCase: true, out _) || !document.Kind.All(char.IsAsciiLetter))
            errors.Add($"kind: '{document.Kind}' is not one of hpc, ai, general, edge");
        if (document.Cpu is not { } cpu)
            errors.Add("cpu: required, the machine's logical CPUs");
        else if (cpu is < 1 or > 100_000)
            errors.Add($"cpu: {cpu} is outside 1–100000");
        if (document.Memory is null)
            errors.Add("memory: required, e.g. 16GiB");
        else if (Quantity.ParseSize(document.Memory) is { Success: false, Error: var sizeError })
            errors.Add($"memory: {sizeError}");
        else if (Quantity.ParseSize(document.Memory).Value.Bytes <= 0)
            errors.Add("memory: must be more than zero");
        if (document.Accelerators is { } accelerators)
        {
            if (string.IsNullOrWhiteSpace(accelerators.Model))
                errors.Add("accelerators.model: required, a catalogue model");
            if (accelerators.Count is not (>= 1 and <= 1024))
                errors.Add($"accelerators.count: {accelerators.Count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}; must be 1–1024");
        }
        if (document.Gpus is { Count: > MaxGpus })
            errors.Add($"gpus: {document.Gpus.Count} listed, at most {MaxGpus}");
        foreach (var (gpu, i) in (document.Gpus ?? []).Select((g, i) => (g, i)))
        {
            if (gpu is null || string.IsNullOrWhiteSpace(gpu.Name) || gpu.Name.Length > 200 || gpu.Name.Any(char.IsControl))
                errors.Add($"gpus[{i}].name: required, at most 200 printable characters");
            if (gpu?.Memory is { } memory && !Quantity.ParseSize(memory).Success)
                errors.Add($"gpus[{i}].memory: {Quantity.ParseSize(memory).Error}");
        }
        if (document.Cu is { } cu && !(double.IsFinite(cu) && cu >= 0))
            errors.Add($"cu: {cu} must be a finite number ≥ 0");
        if (document.Grade is { } grade && grade is not ("A" or "B" or "C" or "D"))
            errors.Add($"grade: '{grade}' is not one of A, B, C, D");
        if (document.PricePerCuHour is null)
            errors.Add("price_per_cu_hour: required, e.g. 1.00 CNY");
        else if (Quantity.ParseMoney(document.PricePerCuHour) is { Success: false, Error: var moneyError })
            errors.Add($"price_per_cu_hour: {moneyError}");
        if (document.Pue is not { } pue)
            errors.Add("pue: required, e.g. 1.3");
        else if (!(pue >= 1 && pue <= 5))
            errors.Add($"pue: {pue} is outside 1–5");
        if (document.CarbonGPerKwh is not { } carbon)
            errors.Add("carbon_g_per_kwh: required, e.g. 550");
        else if (!(carbon >= 0 && carbon <= 2000))
            errors.Add($"carbon_g_per_kwh: {carbon} is outside 0–2000");
        if (document.Site is { } site)
        {
            if (string.IsNullOrWhiteSpace(site.At))
                errors.Add("site.at: required to create a site, a point of presence");
            if (site.Tier is not ("hub" or "region" or "edge"))
                errors.Add($"site.tier: '{site.Tier}' is not one of hub, region, edge");
            if (site.Jurisdiction is not { Length: 2 } j || !j.All(char.IsAsciiLetterUpper))
                errors.Add($"site.jurisdiction: '{site.Jurisdiction}' is not an upper-case ISO 3166 country code such as CN");
        }
        return errors;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z")]
    private static partial Regex PoolName();
}
