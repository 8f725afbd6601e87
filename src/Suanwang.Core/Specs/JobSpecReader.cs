using System.Collections.Immutable;
using Suanwang.Core.Model;
using Suanwang.Core.Validation;

namespace Suanwang.Core.Specs;

/// <summary>
/// Reads job spec files (<c>kind: Job</c>, DESIGN §10, docs/job-spec.md) in YAML or JSON into
/// <see cref="JobSpec"/>s, reporting every problem at once — syntax, unknown or mistyped fields and
/// broken rules of <see cref="JobDemandValidator"/> — each with file, line, column and field path.
/// A file holds one job, a list of jobs, a YAML stream of jobs separated by <c>---</c>, or JSON
/// Lines; when it holds more than one, paths start with the job's index, e.g. <c>[2].tasks</c>.
/// </summary>
public static class JobSpecReader
{
    /// <summary>The <c>apiVersion</c> every spec must declare.</summary>
    public const string ApiVersion = SpecHeader.ApiVersion;

    /// <summary>The <c>kind</c> of a job spec.</summary>
    public const string Kind = "Job";

    private const string JobShape = "a job spec (a mapping that starts apiVersion: suanwang/v1, kind: Job)";

    /// <summary>Reads the job(s) in <paramref name="text"/>.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="source">The file name, used in messages and to tell JSON (<c>.json</c>, <c>.jsonl</c>) from YAML.</param>
    /// <param name="isKnownAcceleratorModel">Answers whether an accelerator model is in the catalogue; null accepts any model name.</param>
    public static JobSpecReadResult Read(string text, string source, Func<string, bool>? isKnownAcceleratorModel = null)
    {
        var read = SpecDocumentReader.Read(text, source);
        if (!read.Errors.IsEmpty)
            return new JobSpecReadResult([], read.Errors);

        var documents = read.Documents.Where(d => d is not SpecScalar { Value: null }).ToArray();
        var jobNodes = documents.SelectMany(d => d is SpecSequence list ? list.Items.AsEnumerable() : [d]).ToArray();
        if (jobNodes.Length == 0)
            return new JobSpecReadResult([], [new SpecError(source, null, "", $"the file holds no job; expected {JobShape}")]);
        var numbered = documents.Length > 1 || documents[0] is SpecSequence;

        var binder = new SpecBinder(source);
        var jobs = ImmutableArray.CreateBuilder<JobSpec>();
        for (var i = 0; i < jobNodes.Length; i++)
        {
            if (BindJob(binder, jobNodes[i], numbered ? $"[{i}]" : "", isKnownAcceleratorModel) is { } job)
                jobs.Add(job);
        }
        if (binder.IsValid)
            return new JobSpecReadResult(jobs.ToImmutable(), []);
        return new JobSpecReadResult([], SpecErrorOrder.Sort(binder.Errors));
    }

    private static JobSpec? BindJob(SpecBinder binder, SpecNode node, string path, Func<string, bool>? isKnownAcceleratorModel)
    {
        var errorsBefore = binder.Errors.Count;
        if (node is not SpecMapping)
        {
            binder.Error(node, path, $"expected {JobShape}, found {node.Shape}");
            return null;
        }
        var job = binder.Mapping(node, path)!;
        if (!SpecHeader.Check(job, Kind, "a job spec"))
            return null; // another kind or version has other fields: listing them all as unknown would bury the real mistake.

        var name = job.Text("name", required: true);
        var priority = job.Enum<JobPriority>("priority") ?? JobPriority.Normal;
        var type = job.Enum<JobType>("type") ?? JobType.Batch;
        var tasks = job.WholeNumber("tasks") ?? 1;
        var resources = BindResources(job.Mapping("resources", required: true));
        var duration = job.Duration("duration", required: true);
        var inputs = BindInputs(job);
        var output = BindOutput(job.Mapping("output"));
        var user = BindUser(job.Mapping("user"));
        var deadline = job.Timestamp("deadline");
        var budget = job.Money("budget");
        var jurisdictions = StringList(job, "jurisdictions");
        var placement = BindPlacement(job.Mapping("placement"));
        var flags = BindFlags(job.Mapping("flags"));
        var run = BindRun(job.Mapping("run"));
        var submit = job.Duration("submit");
        var tenant = job.Text("tenant");
        job.Done();

        if (tenant is not null && JobDemandValidator.NameProblem(tenant, "tenant") is { } tenantProblem)
            binder.ErrorAt(job.PathOf("tenant"), tenantProblem);

        // Fields that failed to bind hold placeholders; model rules about them (or derived from
        // them) would only repeat the binding error in other words, so they are left out.
        var demand = new JobDemand(name ?? "", priority, type, tasks, resources, duration ?? TimeSpan.Zero, inputs, output, user,
            deadline, budget, jurisdictions, placement, flags, run);
        var unreadable = binder.Errors.Skip(errorsBefore).Select(e => e.Path).ToArray();
        foreach (var finding in JobDemandValidator.Check(demand, isKnownAcceleratorModel))
        {
            var fieldPath = Join(path, finding.Error.Path);
            var related = finding.DependsOn.Select(p => Join(path, p)).Append(fieldPath);
            if (!related.Any(r => unreadable.Any(u => Overlaps(r, u))))
                binder.ErrorAt(fieldPath, finding.Error.Message);
        }
        return binder.Errors.Count == errorsBefore ? new JobSpec(demand, tenant, submit) : null;
    }

    private static TaskResources BindResources(MappingBinder? resources)
    {
        if (resources is null)
            return new TaskResources(0, ByteSize.Zero, null);
        var cpu = resources.WholeNumber("cpu", required: true);
        var memory = resources.Size("memory", required: true);
        var accelerators = BindAccelerators(resources.Mapping("accelerators"));
        resources.Done();
        return new TaskResources(cpu ?? 0, memory ?? ByteSize.Zero, accelerators);
    }

    private static AcceleratorDemand? BindAccelerators(MappingBinder? accelerators)
    {
        if (accelerators is null)
            return null;
        var count = accelerators.WholeNumber("count", required: true);
        ComputeGrade? grade = null;
        if (accelerators.Text("grade") is { } gradeText)
        {
            var parsed = SpecEnums.Parse<ComputeGrade>(gradeText);
            if (parsed.Success)
                grade = parsed.Value;
            else
                accelerators.Binder.ErrorAt(accelerators.PathOf("grade"), $"'{gradeText}' is not a grade; expected A, B, C or D");
        }
        var model = accelerators.Text("model");
        var computeUnits = accelerators.Real("cu");
        // "Exactly one of grade, model or cu" is a rule of the demand, checked (once) by JobDemandValidator.
        accelerators.Done();
        return new AcceleratorDemand(count ?? 0, grade, model, computeUnits);
    }

    private static ImmutableArray<string> BindInputs(MappingBinder job)
    {
        var inputs = ImmutableArray.CreateBuilder<string>();
        foreach (var (node, path) in job.Items("inputs"))
        {
            // A placeholder keeps indexes aligned with the file, so later rules name the right item.
            if (node is not SpecMapping)
            {
                job.Binder.Error(node, path, $"expected {{ dataset: ID }} here, found {node.Shape}");
                inputs.Add("");
                continue;
            }
            var input = job.Binder.Mapping(node, path)!;
            inputs.Add(input.Text("dataset", required: true) ?? "");
            input.Done();
        }
        return inputs.ToImmutable();
    }

    private static OutputSpec? BindOutput(MappingBinder? output)
    {
        if (output is null)
            return null;
        var size = output.Size("size", required: true);
        var to = output.Enum<OutputDestination>("to", required: true);
        output.Done();
        return new OutputSpec(size ?? ByteSize.Zero, to ?? OutputDestination.Site);
    }

    private static UserSpec? BindUser(MappingBinder? user)
    {
        if (user is null)
            return null;
        var location = user.Text("location", required: true);
        LatencyTier? latency = null;
        // "any" is written out in files but is the absence of a tier in the model; "beyond" is a
        // measured tier, not something a user asks for.
        if (user.Text("latency") is { } text && !text.Equals("any", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = SpecEnums.Parse<LatencyTier>(text);
            if (parsed.Success && parsed.Value != LatencyTier.Beyond)
                latency = parsed.Value;
            else
                user.Binder.ErrorAt(user.PathOf("latency"), $"'{text}' is not one of: city, region, national, any");
        }
        user.Done();
        return new UserSpec(location ?? "", latency);
    }

    private static PlacementPreference BindPlacement(MappingBinder? placement)
    {
        if (placement is null)
            return PlacementPreference.None;
        var prefer = StringList(placement, "prefer");
        var avoid = StringList(placement, "avoid");
        placement.Done();
        return new PlacementPreference(prefer, avoid);
    }

    private static JobFlags BindFlags(MappingBinder? flags)
    {
        if (flags is null)
            return JobFlags.None;
        var preemptible = flags.Flag("preemptible") ?? false;
        var splittable = flags.Flag("splittable") ?? false;
        var checkpointable = flags.Flag("checkpointable") ?? false;
        flags.Done();
        return new JobFlags(preemptible, splittable, checkpointable);
    }

    private static RunSpec? BindRun(MappingBinder? run)
    {
        if (run is null)
            return null;
        var command = run.Text("command", required: true);
        var environment = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var envNode = run.Node("env");
        if (envNode is SpecMapping env)
        {
            // Variable names are the user's, not ours, so the fields are read as they come rather than through accessors.
            foreach (var (key, value) in env.Entries)
            {
                var path = $"{run.PathOf("env")}.{key.Value}";
                run.Binder.Remember(path, key); // a bad variable name is reported at the name, not its value
                environment[key.Value!] = run.Binder.Text(value, path) ?? "";
            }
        }
        else if (envNode is not null and not SpecScalar { Value: null })
        {
            run.Binder.Error(envNode, run.PathOf("env"), $"expected a mapping of variable names to values, found {envNode.Shape}");
        }
        var image = run.Text("image") ?? "";
        // 'args' present (even empty) means: run the command as the executable with exactly these argv, no shell.
        ImmutableArray<string>? args = run.Node("args") is null or SpecScalar { Value: null } ? null : StringList(run, "args");
        var workdir = run.Text("workdir");
        run.Done();
        return new RunSpec(command ?? "", environment.ToImmutable(), image, args, workdir);
    }

    /// <summary>A list of strings; a single value counts as a list of one; unreadable items become empty placeholders so indexes stay aligned.</summary>
    private static ImmutableArray<string> StringList(MappingBinder mapping, string key)
    {
        var node = mapping.Node(key);
        if (node is SpecScalar scalar)
            return scalar.Value is null ? [] : [scalar.Value];
        return [.. mapping.Binder.Items(node, mapping.PathOf(key)).Select(item => mapping.Binder.Text(item.Node, item.Path) ?? "")];
    }

    private static string Join(string prefix, string path) =>
        prefix.Length == 0 ? path : path.Length == 0 ? prefix : $"{prefix}.{path}";

    /// <summary>True when one path is the other or lies inside it.</summary>
    private static bool Overlaps(string a, string b) => Contains(a, b) || Contains(b, a);

    private static bool Contains(string outer, string inner) =>
        inner.StartsWith(outer, StringComparison.Ordinal)
        && (inner.Length == outer.Length || outer.Length == 0 || inner[outer.Length] is '.' or '[');
}
