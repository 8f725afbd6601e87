using System.Collections.Immutable;
using Suanwang.Core.Specs;

namespace Suanwang.Simulation.Scenarios;

/// <summary>
/// Checks a recorded job list named by a scenario's <c>jobs:</c> workload: every job spec must be valid
/// (as for <c>suanwang submit</c>), and every job must say who submitted it (<c>tenant</c>) and when
/// (<c>submit</c>, an offset from the start), because a simulation replays them (DESIGN §10).
/// </summary>
internal static class RecordedJobs
{
    /// <summary>Every problem of the file, each with <paramref name="source"/>, line and path; empty when it can be replayed.</summary>
    public static ImmutableArray<SpecError> Check(string text, string source, Func<string, bool>? isKnownModel)
    {
        var read = JobSpecReader.Read(text, source, isKnownModel);
        if (!read.IsValid)
            return read.Errors;

        // Walk the documents the way JobSpecReader does, to place each missing field on its job's line.
        var documents = SpecDocumentReader.Read(text, source).Documents.Where(d => d is not SpecScalar { Value: null }).ToArray();
        var nodes = documents.SelectMany(d => d is SpecSequence list ? list.Items.AsEnumerable() : [d]).ToArray();
        var numbered = documents.Length > 1 || documents[0] is SpecSequence;
        var errors = ImmutableArray.CreateBuilder<SpecError>();
        for (var i = 0; i < read.Jobs.Length; i++)
        {
            var job = read.Jobs[i];
            var prefix = numbered ? $"[{i}]." : "";
            if (job.Tenant is null)
                errors.Add(new SpecError(source, nodes[i].Position, prefix + "tenant", $"recorded job '{job.Demand.Name}' needs 'tenant': the tenant that submitted it"));
            if (job.Submit is null)
                errors.Add(new SpecError(source, nodes[i].Position, prefix + "submit", $"recorded job '{job.Demand.Name}' needs 'submit': when it arrives, as an offset from the start of the simulation such as 2h"));
        }
        return errors.ToImmutable();
    }
}
