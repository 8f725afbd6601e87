using System.Globalization;

namespace Suanwang.Providers.Agent;

/// <summary>The body of <c>PUT /v1/agents/pools/{site}/{name}</c> from what the agent found and measured.</summary>
internal static class AgentRegistration
{
    public static object Document(AgentOptions options, MachineDescription machine, MachineRating rating)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(rating);
        return new
        {
            kind = options.Kind,
            cpu = machine.Cores,
            memory = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, machine.MemoryBytes >> 20)}MiB"),
            accelerators = options.AcceleratorModel is { } model && machine.Gpus.Count > 0 ? new { model, count = machine.Gpus.Count } : null,
            gpus = machine.Gpus.Select(g => new { name = g.Name, memory = g.MemoryMiB is { } mib ? string.Create(CultureInfo.InvariantCulture, $"{mib}MiB") : null }).ToArray(),
            cu = rating.ComputeUnits,
            grade = rating.Grade,
            price_per_cu_hour = options.PricePerCuHour,
            pue = options.Pue,
            carbon_g_per_kwh = options.CarbonGramsPerKwh,
            site = options.CreateSiteAt is { } at ? new { at, tier = options.CreateSiteTier, jurisdiction = options.CreateSiteJurisdiction } : null,
        };
    }
}
