using System.Collections.Immutable;
using Suanwang.Core.Model;

namespace Suanwang.Core.Specs;

/// <summary>
/// One job as written in a job spec file: the demand, plus two fields that only recorded job lists
/// of a scenario use — who submitted it and when. <c>suanwang submit</c> and the server take the
/// tenant from the caller's credentials and submit now, so they ignore both.
/// </summary>
/// <param name="Demand">What the job needs.</param>
/// <param name="Tenant">The <c>tenant:</c> field, or null.</param>
/// <param name="Submit">The <c>submit:</c> field, an offset from the start of a simulation, or null.</param>
public sealed record JobSpec(JobDemand Demand, string? Tenant, TimeSpan? Submit);

/// <summary>
/// The jobs read from one file, or every error found in it. A file is accepted or rejected whole:
/// when any error is found, <paramref name="Jobs"/> is empty.
/// </summary>
/// <param name="Jobs">The jobs, in file order.</param>
/// <param name="Errors">Every problem found, ordered by line and column.</param>
public sealed record JobSpecReadResult(ImmutableArray<JobSpec> Jobs, ImmutableArray<SpecError> Errors)
{
    /// <summary>True when the file was read without error.</summary>
    public bool IsValid => Errors.IsEmpty;
}
