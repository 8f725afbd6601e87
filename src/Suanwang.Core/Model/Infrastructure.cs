using System.Collections.Immutable;

namespace Suanwang.Core.Model;

/// <summary>A party that brings compute pools to the network (a supercomputing centre, a cloud, an AI centre).</summary>
/// <param name="Id">Stable identifier, e.g. <c>p-west</c>.</param>
/// <param name="Name">Display name.</param>
public sealed record Provider(string Id, string Name);

/// <summary>A customer that submits work and owns datasets.</summary>
/// <param name="Id">Stable identifier, e.g. <c>t-acme</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Jurisdictions">Jurisdictions the tenant's work may run in by default; empty means unrestricted.</param>
public sealed record Tenant(string Id, string Name, EquatableArray<string> Jurisdictions);

/// <summary>The place of a site in the national hierarchy (hub → region → edge).</summary>
public enum SiteTier
{
    /// <summary>A national hub cluster (东数西算 国家枢纽节点).</summary>
    Hub,

    /// <summary>A regional centre, typically at a provincial capital.</summary>
    Region,

    /// <summary>An edge site close to users in a city.</summary>
    Edge,
}

/// <summary>A point on the Earth in decimal degrees (WGS 84).</summary>
/// <param name="Latitude">Degrees north, −90 to 90.</param>
/// <param name="Longitude">Degrees east, −180 to 180.</param>
public readonly record struct GeoCoordinate(double Latitude, double Longitude)
{
    /// <summary>Mean Earth radius used for great-circle distances (IUGG mean radius).</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Great-circle distance by the haversine formula, in kilometres.</summary>
    public double DistanceKmTo(GeoCoordinate other)
    {
        const double toRadians = Math.PI / 180;
        var dLat = (other.Latitude - Latitude) * toRadians;
        var dLon = (other.Longitude - Longitude) * toRadians;
        var a = Math.Pow(Math.Sin(dLat / 2), 2)
            + Math.Cos(Latitude * toRadians) * Math.Cos(other.Latitude * toRadians) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}

/// <summary>A compute centre at one network location (算力中心).</summary>
/// <param name="Id">Stable identifier, the first part of resource identifiers <c>site/pool/node</c>.</param>
/// <param name="Tier">Hub, region or edge.</param>
/// <param name="Jurisdiction">Legal jurisdiction of the data held and processed there, e.g. <c>CN</c>.</param>
/// <param name="ProviderId">The provider that operates it.</param>
/// <param name="AttachedTo">Identifier of the network point of presence the site hangs off; null when there is no topology.</param>
/// <param name="Location">Geographic position, when known.</param>
/// <param name="Pools">The homogeneous capacity pools inside the site.</param>
public sealed record Site(
    string Id,
    SiteTier Tier,
    string Jurisdiction,
    string ProviderId,
    string? AttachedTo,
    GeoCoordinate? Location,
    EquatableArray<Pool> Pools);

/// <summary>What a pool is built for.</summary>
public enum PoolKind
{
    /// <summary>Supercomputing: CPU-heavy, tightly coupled.</summary>
    Hpc,

    /// <summary>AI training and inference on accelerators (智算).</summary>
    Ai,

    /// <summary>General-purpose cloud capacity.</summary>
    General,

    /// <summary>Small capacity near users.</summary>
    Edge,
}

/// <summary>How Suanwang reaches a pool's machines.</summary>
public enum AccessMode
{
    /// <summary>A <c>suanwang agent</c> runs on the machines.</summary>
    Agent,

    /// <summary>A Slurm partition behind slurmrestd.</summary>
    Slurm,

    /// <summary>A Kubernetes namespace and node selector.</summary>
    Kubernetes,

    /// <summary>A provider's own API.</summary>
    ProviderApi,

    /// <summary>The digital twin's simulated executor.</summary>
    Simulated,
}

/// <summary>Accelerators fitted to one node.</summary>
/// <param name="Model">Catalogue model name, e.g. <c>H100-SXM5-80G</c>.</param>
/// <param name="Count">Devices per node.</param>
public sealed record AcceleratorSet(string Model, int Count);

/// <summary>The shape of every node in a pool.</summary>
/// <param name="Cores">CPU cores per node.</param>
/// <param name="Memory">Main memory per node.</param>
/// <param name="Accelerators">Accelerators per node, or null for CPU-only nodes.</param>
/// <param name="CpuModel">Catalogue CPU model, when declared; used for measurement in CU.</param>
public sealed record NodeShape(int Cores, ByteSize Memory, AcceleratorSet? Accelerators, string? CpuModel);

/// <summary>Homogeneous capacity inside a site (资源池).</summary>
/// <param name="Id">Stable identifier, conventionally <c>site/pool</c>.</param>
/// <param name="SiteId">The site that holds it.</param>
/// <param name="Kind">What it is built for.</param>
/// <param name="Node">The shape of each node.</param>
/// <param name="NodeCount">Number of nodes.</param>
/// <param name="PricePerCuHour">List price per normalized compute-unit hour.</param>
/// <param name="Pue">Power usage effectiveness of the facility (≥ 1).</param>
/// <param name="CarbonGramsPerKwh">Carbon intensity of the electricity, grams CO₂e per kWh.</param>
/// <param name="Access">How Suanwang reaches the machines.</param>
public sealed record Pool(
    string Id,
    string SiteId,
    PoolKind Kind,
    NodeShape Node,
    int NodeCount,
    Money PricePerCuHour,
    double Pue,
    double CarbonGramsPerKwh,
    AccessMode Access);

/// <summary>A data set with an owner, replicas at sites and sovereignty rules (数据要素).</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="OwnerTenantId">The tenant that owns it.</param>
/// <param name="Size">Total size.</param>
/// <param name="ReplicaSites">Sites holding a full replica.</param>
/// <param name="Jurisdictions">Jurisdictions where it may be stored or processed; empty means unrestricted.</param>
public sealed record Dataset(
    string Id,
    string OwnerTenantId,
    ByteSize Size,
    EquatableArray<string> ReplicaSites,
    EquatableArray<string> Jurisdictions);
