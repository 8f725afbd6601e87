using System.Collections.Immutable;
using System.Globalization;
using Suanwang.Core.Model;
using Suanwang.Core.Specs;

namespace Suanwang.Core.Measurement;

/// <summary>
/// Binds a <c>kind: DeviceCatalog</c> document to <see cref="DeviceSpec"/> records, collecting every
/// error with file, line and field path. Each precision field must be present: a figure the vendor
/// does not publish is written <c>null</c>, so an omission is a mistake, not a silent unknown.
/// </summary>
internal static class DeviceCatalogReader
{
    private static readonly string[] PrecisionFields = ["fp64", "fp64_matrix", "fp32", "fp16", "int8"];

    public static CatalogLoadResult Read(string text, string source)
    {
        var read = SpecDocumentReader.ReadYaml(text, source);
        if (read.Errors.Length > 0)
            return new CatalogLoadResult(null, read.Errors);
        if (read.Documents.Length != 1)
            return new CatalogLoadResult(null, [new SpecError(source, null, "", $"expected one document, found {read.Documents.Length}")]);

        var binder = new SpecBinder(source);
        var devices = ImmutableArray.CreateBuilder<DeviceSpec>();
        var root = binder.Mapping(read.Documents[0], "");
        if (root is not null && SpecHeader.Check(root, "DeviceCatalog", "a device catalogue"))
        {
            foreach (var (node, path) in root.Items("devices", required: true))
            {
                if (ReadDevice(binder, node, path) is { } device)
                    devices.Add(device);
            }
            root.Done();
        }
        CheckNamesUnique(binder, devices);
        return binder.IsValid
            ? new CatalogLoadResult(new DeviceCatalog(devices.ToImmutable()), [])
            : new CatalogLoadResult(null, [.. binder.Errors]);
    }

    private static DeviceSpec? ReadDevice(SpecBinder binder, SpecNode node, string path)
    {
        var m = binder.Mapping(node, path);
        if (m is null)
            return null;
        var errorsBefore = binder.Errors.Count;
        var model = m.Text("model", required: true);
        var aliases = m.Strings("aliases");
        var vendor = m.Text("vendor", required: true);
        var kind = m.Enum<DeviceKind>("kind", required: true);
        foreach (var field in PrecisionFields)
        {
            if (!m.Has(field))
                binder.ErrorAt(path, $"field '{field}' is missing; write {field}: null when the vendor does not publish it");
        }
        var figures = new ThroughputFigures(
            m.Real("fp64", min: 0), m.Real("fp32", min: 0), m.Real("fp16", min: 0), m.Real("int8", min: 0),
            m.Has("memory_bandwidth") ? ReadBandwidth(m, "memory_bandwidth") : null);
        var fp64Matrix = m.Real("fp64_matrix", min: 0);
        var memory = m.Size("memory");
        var tdp = m.WholeNumber("tdp_watts", min: 1);
        var cores = m.WholeNumber("cores", min: 1);
        var baseClock = m.Real("base_clock_ghz", min: 0.1);
        var boostClock = m.Real("boost_clock_ghz", min: 0.1);
        var flopsPerCycle = m.WholeNumber("fp64_flops_per_core_cycle", min: 1);
        var source = m.Text("source", required: true);
        var notes = m.Text("notes") ?? "";
        m.Done();

        if (source is not null && string.IsNullOrWhiteSpace(source))
            binder.ErrorAt(m.PathOf("source"), "source is empty; name the datasheet or document the figures come from");
        if (figures.Fp64Tflops is null && figures.Fp32Tflops is null && figures.Fp16Tflops is null && figures.Int8Tops is null)
            binder.ErrorAt(path, "no throughput figure at all; at least one of fp64, fp32, fp16, int8 must be known");

        CpuDetails? cpu = null;
        if (kind == DeviceKind.Cpu)
        {
            if (cores is null)
                binder.ErrorAt(path, "a cpu needs 'cores' (per socket)");
            if (baseClock is null)
                binder.ErrorAt(path, "a cpu needs 'base_clock_ghz'; its peak is computed at the base clock");
            if (cores is { } c && baseClock is { } b)
            {
                cpu = new CpuDetails(c, b, boostClock, flopsPerCycle);
                CheckCpuPeak(binder, m, cpu, figures.Fp64Tflops);
            }
        }
        else if (cores is not null || baseClock is not null || flopsPerCycle is not null)
        {
            binder.ErrorAt(path, "cores, base_clock_ghz and fp64_flops_per_core_cycle are for kind: cpu only");
        }

        if (binder.Errors.Count > errorsBefore || model is null || vendor is null || kind is null || source is null)
            return null;
        return new DeviceSpec(model, aliases, vendor, kind.Value, figures, fp64Matrix, memory, tdp, cpu, source, notes);
    }

    /// <summary>The catalogued FP64 peak of a CPU must be the product it claims to be, so a typo cannot hide.</summary>
    private static void CheckCpuPeak(SpecBinder binder, MappingBinder m, CpuDetails cpu, double? fp64)
    {
        if (cpu.Fp64FlopsPerCoreCycle is not { } perCycle || fp64 is not { } published)
            return;
        var computed = cpu.Cores * cpu.BaseClockGhz * perCycle / 1000;
        if (Math.Abs(computed - published) > 1e-6 * Math.Max(1, computed))
        {
            binder.ErrorAt(m.PathOf("fp64"), string.Create(CultureInfo.InvariantCulture,
                $"fp64 {published} TFLOPS does not match cores x base_clock_ghz x fp64_flops_per_core_cycle / 1000 = {cpu.Cores} x {cpu.BaseClockGhz} x {perCycle} / 1000 = {computed}"));
        }
    }

    private static double? ReadBandwidth(MappingBinder m, string key)
    {
        var node = m.Node(key);
        if (node is null or SpecScalar { Value: null })
            return null;
        var parsed = m.Binder.Parse(node, m.PathOf(key), MemoryBandwidth.Parse);
        return parsed;
    }

    private static void CheckNamesUnique(SpecBinder binder, ImmutableArray<DeviceSpec>.Builder devices)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < devices.Count; i++)
        {
            foreach (var name in devices[i].Aliases.Prepend(devices[i].Model))
            {
                var key = DeviceCatalog.Normalize(name);
                if (key.Length == 0)
                    binder.ErrorAt($"devices[{i}]", $"name '{name}' has no letters or digits");
                else if (owner.TryGetValue(key, out var other) && other != devices[i].Model)
                    binder.ErrorAt($"devices[{i}]", $"name '{name}' of {devices[i].Model} is also a name of {other}; names must be unique (ignoring case, spaces, '-' and '_')");
                else
                    owner[key] = devices[i].Model;
            }
        }
    }
}

/// <summary>Parses memory bandwidth written as a size per second: <c>2039GB/s</c>, <c>3.35TB/s</c> (SI units).</summary>
public static class MemoryBandwidth
{
    /// <summary>Parses to TB/s (10^12 bytes per second).</summary>
    public static ParseResult<double> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var expected = $"'{text}' is not a memory bandwidth; expected a size per second such as 2039GB/s or 3.35TB/s";
        var trimmed = text.Trim();
        if (!trimmed.EndsWith("/s", StringComparison.Ordinal))
            return ParseResult.Fail<double>(expected);
        var size = Quantity.ParseSize(trimmed[..^2]);
        return size.Success ? ParseResult.Ok(size.Value.Bytes / 1e12) : ParseResult.Fail<double>(expected);
    }

    /// <summary>Formats TB/s the way the catalogue writes it: GB/s below 1 TB/s, TB/s above.</summary>
    public static string Format(double terabytesPerSecond) => terabytesPerSecond < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{terabytesPerSecond * 1000:0.#}GB/s")
        : string.Create(CultureInfo.InvariantCulture, $"{terabytesPerSecond:0.####}TB/s");
}
