using Suanwang.Providers.Agent;

namespace Suanwang.Providers.Tests.Agent;

/// <summary>What the agent reads from the machine, tested on recorded output.</summary>
public sealed class AgentParsingTests
{
    [Fact]
    public void Nvidia_smi_output_is_parsed_robustly()
    {
        // Recorded shapes: noheader/nounits (the agent's own query), a header with units, N/A memory, a comma in a name, CRLF, blanks.
        const string output = "NVIDIA A100-SXM4-80GB, 81920\r\nNVIDIA A100-SXM4-80GB, 81920\n\n"
            + "name, memory.total [MiB]\nTesla T4, 15360 MiB\nNVIDIA GeForce RTX 3090, Ti, 24576\nGRID A100D-1-10C, [N/A]\n, 100\n";
        Assert.Equal(
            [
                new GpuInfo("NVIDIA A100-SXM4-80GB", 81920), new GpuInfo("NVIDIA A100-SXM4-80GB", 81920), new GpuInfo("Tesla T4", 15360),
                new GpuInfo("NVIDIA GeForce RTX 3090, Ti", 24576), new GpuInfo("GRID A100D-1-10C", null),
            ],
            NvidiaSmi.Parse(output));
        Assert.Empty(NvidiaSmi.Parse(""));
        Assert.Empty(NvidiaSmi.Parse("No devices were found\n".Replace("No devices were found", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void MemTotal_is_read_in_bytes()
    {
        Assert.Equal(8039508L * 1024, MachineProbe.ParseMemTotal("MemTotal:        8039508 kB\nMemFree:          123 kB\n"));
        Assert.Null(MachineProbe.ParseMemTotal("MemFree: 1 kB\n"));
        Assert.Null(MachineProbe.ParseMemTotal("MemTotal: 12 MB\n")); // a unit we do not know is not guessed
    }

    [Fact]
    public void Cgroup2_mounts_are_found_in_mountinfo()
    {
        // This build machine (hybrid: v1 controllers plus a cgroup2 mount with only hugetlb), and a pure v2 host.
        const string hybrid = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
            + "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
            + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        Assert.Equal(["/sys/fs/cgroup/unified"], CgroupV2.Cgroup2Mounts(hybrid));
        const string unified = "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
        Assert.Equal(["/sys/fs/cgroup"], CgroupV2.Cgroup2Mounts(unified));
    }

    [Theory]
    [InlineData("j-1", "j-1")]
    [InlineData("job.2_b", "job.2_b")]
    [InlineData("j-1#0", "j-1_0-")]
    [InlineData("j-1#0@2", "j-1_0_2-")]
    [InlineData("..", "-")] // dots only: the leading dots go, the hash stays
    public void Task_ids_become_one_safe_directory_name(string id, string prefix)
    {
        var name = TaskSpecRules.DirectoryName(id);
        Assert.StartsWith(prefix, name, StringComparison.Ordinal);
        Assert.DoesNotContain('/', name);
        Assert.False(name.StartsWith('.'));
        Assert.NotEqual(TaskSpecRules.DirectoryName("j-1_0"), TaskSpecRules.DirectoryName("j-1#0")); // no two ids share a directory
    }
}
