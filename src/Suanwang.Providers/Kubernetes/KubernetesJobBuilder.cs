using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Kubernetes;

/// <summary>
/// Turns a task into a <c>batch/v1</c> Job, refusing anything unsafe or impossible before a request is made: a missing
/// or blank command, a NUL in it, an empty or malformed image, ids with control characters, environment names that are
/// not shell names or are reserved, values with line breaks or NUL, and counts below 1 (the table in docs/providers.md).
/// </summary>
internal static partial class KubernetesJobBuilder
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "suanwang";
    public const string TaskLabel = "suanwang.io/task";
    public const string TaskIdAnnotation = "suanwang.io/task-id";
    public const string NotBeforeAnnotation = "suanwang.io/not-before";

    /// <summary>The task's one container; logs and exit codes are read from it.</summary>
    public const string ContainerName = "task";

    /// <summary>Set by Kubernetes on Indexed Jobs' pods, so a task may not set it.</summary>
    private const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    public static V1Job Build(TaskRequest request, KubernetesPool pool, KubernetesOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = Validate(request, out var image);
        var name = KubernetesNames.JobName(request.TaskId);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedByLabel] = ManagedByValue,
            [TaskLabel] = name,
            ["suanwang.io/job"] = KubernetesNames.LabelValue(request.JobId),
            ["suanwang.io/tenant"] = KubernetesNames.LabelValue(request.Tenant),
            ["suanwang.io/pool"] = KubernetesNames.LabelValue(request.PoolId),
        };
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [TaskIdAnnotation] = request.TaskId,
            ["suanwang.io/job-id"] = request.JobId,
            ["suanwang.io/tenant"] = request.Tenant,
            ["suanwang.io/pool"] = request.PoolId,
        };
        var suspended = request.NotBefore > now;
        if (suspended)
            annotations[NotBeforeAnnotation] = request.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = pool.Namespace, Labels = labels, Annotations = annotations },
            Spec = new V1JobSpec
            {
                Completions = request.Tasks,
                Parallelism = request.Tasks,
                CompletionMode = request.Tasks > 1 ? "Indexed" : null,
                BackoffLimit = 0,
                ActiveDeadlineSeconds = (long)Math.Clamp(Math.Ceiling(request.ExpectedRuntime.TotalSeconds), 1, long.MaxValue / 2),
                Suspend = suspended ? true : null,
                TtlSecondsAfterFinished = options.FinishedJobTtl is { } ttl ? (int)Math.Clamp(Math.Ceiling(ttl.TotalSeconds), 0, int.MaxValue) : null,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        NodeSelector = pool.NodeSelector.Count == 0 ? null : new SortedDictionary<string, string>(pool.NodeSelector.ToDictionary(), StringComparer.Ordinal),
                        PriorityClassName = pool.PriorityClassName,
                        ServiceAccountName = pool.ServiceAccountName,
                        // A task talks to Suanwang, not to the cluster: no API token unless the pool names an account for it.
                        AutomountServiceAccountToken = pool.ServiceAccountName is null ? false : null,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = ContainerName,
                                Image = image,
                                // With run.args, the command is the executable and no shell reads the arguments.
                                Command = run.Args is { } args ? [run.Command, .. args] : ["/bin/sh", "-c", run.Command],
                                Env = Environment(request, run),
                                Resources = Resources(request, options.AcceleratorResource),
                            },
                        ],
                    },
                },
            },
        };
    }

    private static Core.Model.RunSpec Validate(TaskRequest request, out string image)
    {
        RequirePrintable(request.TaskId, "task id");
        RequirePrintable(request.JobId, "job id");
        RequirePrintable(request.Tenant, "tenant");
        var run = request.Run ?? throw new ArgumentException($"task '{request.TaskId}' has no command: the Kubernetes adapter runs only tasks with a run.command and run.image");
        if (string.IsNullOrWhiteSpace(run.Command))
            throw new ArgumentException($"task '{request.TaskId}' has an empty command");
        if (run.Workdir is not null)
            throw new ArgumentException($"task '{request.TaskId}' sets run.workdir; a container's working directory is its image's, so the Kubernetes adapter refuses it rather than ignore it");
        if (run.Command.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"task '{request.TaskId}': the command contains a NUL character");
        image = run.Image ?? "";
        if (image.Length == 0)
            throw new ArgumentException($"task '{request.TaskId}' has no container image; Kubernetes runs containers only, so run.image is required");
        if (image.Length > 512 || !ImageReference().IsMatch(image))
            throw new ArgumentException($"task '{request.TaskId}': '{TaskText.Printable(image)}' is not a container image reference (no spaces or control characters, at most 512 characters)");
        if (request.Tasks < 1 || request.Resources.Cpu < 1 || request.Resources.Memory.Bytes < 0 || request.Nodes < 1 || request.TasksPerNode < 1)
            throw new ArgumentException($"task '{request.TaskId}' asks for {request.Tasks} task(s) on {request.Nodes} node(s), {request.TasksPerNode} per node, "
                + $"{request.Resources.Cpu} CPU(s) and {request.Resources.Memory} each; every count must be at least 1");
        if (request.Resources.Accelerators is { Count: < 0 })
            throw new ArgumentException($"task '{request.TaskId}' asks for {request.Resources.Accelerators.Count} accelerators");
        return run;
    }

    private static List<V1EnvVar> Environment(TaskRequest request, Core.Model.RunSpec run)
    {
        var variables = new List<V1EnvVar>();
        foreach (var (name, value) in run.Environment ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            if (!TaskText.IsEnvironmentName(name))
                throw new ArgumentException($"task '{request.TaskId}': '{TaskText.Printable(name)}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            if (name.StartsWith("SUANWANG_", StringComparison.Ordinal) || name.StartsWith("KUBERNETES_", StringComparison.Ordinal) || name == CompletionIndexVariable)
                throw new ArgumentException($"task '{request.TaskId}': environment variable '{name}' is reserved (SUANWANG_*, KUBERNETES_* and {CompletionIndexVariable} are set by the adapter and Kubernetes)");
            if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
                throw new ArgumentException($"task '{request.TaskId}': the value of environment variable '{name}' contains a line break or NUL");
            variables.Add(new V1EnvVar { Name = name, Value = value });
        }
        variables.Add(new V1EnvVar { Name = "SUANWANG_TASK_ID", Value = request.TaskId });
        variables.Add(new V1EnvVar { Name = "SUANWANG_JOB_ID", Value = request.JobId });
        variables.Add(new V1EnvVar { Name = "SUANWANG_TENANT", Value = request.Tenant });
        return variables;
    }

    /// <summary>Requests equal to limits (the Guaranteed class when memory is given): CPU, memory, accelerators.</summary>
    private static V1ResourceRequirements Resources(TaskRequest request, string acceleratorResource)
    {
        var amounts = new SortedDictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new(request.Resources.Cpu.ToString(CultureInfo.InvariantCulture)),
        };
        if (request.Resources.Memory.Bytes > 0)
            amounts["memory"] = new(Memory(request.Resources.Memory.Bytes));
        if (request.Resources.Accelerators is { Count: > 0 } accelerators)
            amounts[acceleratorResource] = new(accelerators.Count.ToString(CultureInfo.InvariantCulture));
        return new V1ResourceRequirements { Requests = amounts, Limits = new SortedDictionary<string, ResourceQuantity>(amounts, StringComparer.Ordinal) };
    }

    /// <summary>Bytes in the largest binary unit that divides them exactly (<c>128Mi</c>, <c>2Gi</c>), else plain bytes.</summary>
    internal static string Memory(long bytes)
    {
        foreach (var (unit, size) in new[] { ("Ti", 1L << 40), ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) })
        {
            if (bytes % size == 0)
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / size}{unit}");
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static void RequirePrintable(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Any(char.IsControl))
            throw new ArgumentException($"{what} '{TaskText.Printable(value)}' is empty or contains control characters");
    }



    /// <summary>Registry, path, tag and digest characters only; the registry checks the rest.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/:@+-]*\z")]
    private static partial Regex ImageReference();
}
