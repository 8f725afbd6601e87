using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Suanwang.Providers.Adapters;

namespace Suanwang.Server.Scheduling;

/// <summary>Registers the scheduling loop with a host.</summary>
public static class SchedulingLoopServices
{
    /// <summary>
    /// Adds the scheduling loop as a hosted service (and as <see cref="SchedulingLoop"/>, so a submission
    /// can <see cref="SchedulingLoop.Trigger"/> it) on <paramref name="world"/>. Without
    /// <paramref name="providers"/>, one <see cref="SimulatedProvider"/> on the host's
    /// <see cref="TimeProvider"/> runs every pool of the world, with run times divided by <paramref name="speedUp"/>.
    /// Needs <c>ControlStore</c>, <see cref="TimeProvider"/> and <see cref="ServerMetrics"/> registered.
    /// </summary>
    public static IServiceCollection AddSchedulingLoop(this IServiceCollection services, ServerWorld world, SchedulingLoopOptions? options = null,
        ProviderDirectory? providers = null, double speedUp = 1)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(world);
        services.AddSingleton(world);
        services.AddSingleton(options ?? new SchedulingLoopOptions());
        if (providers is not null)
            services.AddSingleton(providers);
        else
            services.TryAddSingleton(sp => new ProviderDirectory().Add(
                new SimulatedProvider(sp.GetRequiredService<TimeProvider>(), world.Topology.Pools, speedUp), world.Topology.Pools.Select(p => p.Id)));
        services.AddSingleton(sp =>
        {
            var loop = ActivatorUtilities.CreateInstance<SchedulingLoop>(sp);
            loop.Staging = sp.GetService<TaskStaging>();
            return loop;
        });
        services.AddHostedService(sp => sp.GetRequiredService<SchedulingLoop>());
        return services;
    }
}
