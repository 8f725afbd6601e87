using System.IO.Compression;
using Suanwang.Simulation.Tests.Scenarios;
using Suanwang.Simulation.Workloads;

namespace Suanwang.Simulation.Tests.Workloads;

public sealed class SwfReaderTests
{
    private const string TwoJobs = """
        ; Version: 2.2
        ; MaxNodes: 8
        ; Note: free text
        ;       continued
        1  0 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1
        2 10 -1  50 2 12.5 1024.5 -1 -1 -1 0 4 1 -1 -1 -1 1 5
        """;

    [Fact]
    public void The_project_copy_of_the_Lublin_trace_has_10000_jobs_on_256_nodes()
    {
        var trace = SwfReader.Read(ScenarioTestFiles.InRepository("data/traces/lublin_256.swf"));

        Assert.True(trace.IsValid, string.Join("\n", trace.Errors));
        Assert.Equal(10_000, trace.Jobs.Length);
        Assert.Equal(256, trace.Header.MaxNodes);
        // First line of the file: "1    5094 -1   12072  16 ...".
        Assert.Equal((1L, 5094L, 12072L, 16), (trace.Jobs[0].JobNumber, trace.Jobs[0].SubmitTime, trace.Jobs[0].RunTime, trace.Jobs[0].Processors));
        Assert.Equal(8, trace.Jobs[0].Line);
    }

    [Fact]
    public void The_gzipped_NASA_trace_is_read_by_content_with_its_header()
    {
        var trace = SwfReader.Read(ScenarioTestFiles.InRepository("data/traces/NASA-iPSC-1993-3.1-cln.swf.gz"));

        Assert.True(trace.IsValid, string.Join("\n", trace.Errors));
        Assert.Equal(18_239, trace.Jobs.Length);
        Assert.Equal(128, trace.Header.MaxNodes);
        Assert.Equal(128, trace.Header.MaxProcs);
        Assert.Equal(749458803L, trace.Header.UnixStartTime);
        Assert.Equal("US/Pacific", trace.Header["TimeZoneString"]);
        Assert.All(trace.Jobs, j => Assert.Equal(-1, j.RequestedTime)); // no user estimates in this log
    }

    [Fact]
    public void Fields_unknown_values_and_estimates_are_read_as_written()
    {
        var trace = SwfReader.Read(new StringReader(TwoJobs), "two.swf");

        Assert.True(trace.IsValid);
        Assert.Equal(["Version", "MaxNodes", "Note"], trace.Header.Fields.Select(f => f.Key));
        var (first, second) = (trace.Jobs[0], trace.Jobs[1]);
        Assert.Equal(200, first.EstimatedRunTime); // requested 200 ≥ actual 100
        Assert.Equal(50, second.EstimatedRunTime); // requested unknown: the actual run time
        Assert.Equal(2, second.Processors); // allocated known, requested −1
        Assert.Equal((12.5, 1024.5, 0, 1L, 5L), (second.AverageCpuTime, second.UsedMemory, second.Status, second.PrecedingJob, second.ThinkTime));
    }

    [Fact]
    public void A_requested_time_below_the_run_time_is_not_used_as_the_estimate()
    {
        var trace = SwfReader.Read(new StringReader("1 0 -1 100 1 -1 -1 1 60 -1 1 1 1 -1 -1 -1 -1 -1"), "t.swf");

        Assert.Equal(100, trace.Jobs.Single().EstimatedRunTime);
    }

    [Theory]
    [InlineData("1 0 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1", 1, "a job line has 18 fields; this one has 17")]
    [InlineData("1 0 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1 7", 50, "a job line has 18 fields; this one has 19")]
    [InlineData("1 0 -1 1oo 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1", 8, "run_time: '1oo' is not a number")]
    [InlineData("1 0 -1 100 -4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1", 12, "allocated_processors: -4 is negative; SWF writes -1 for unknown")]
    [InlineData("1 0.5 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1", 3, "submit_time: '0.5' is not a whole number")]
    [InlineData("1 -1 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1", 1, "submit_time: the submit time is unknown (-1)")]
    [InlineData("1 0 -1 NaN 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1", 8, "run_time: 'NaN' is not a number")]
    public void A_malformed_line_is_reported_with_file_line_column_and_field(string bad, int column, string message)
    {
        var trace = SwfReader.Read(new StringReader($"; MaxNodes: 8\n1 0 -1 100 4 -1 -1 4 200 -1 1 3 1 -1 -1 -1 -1 -1\n{bad}\n"), "bad.swf");

        var error = Assert.Single(trace.Errors);
        Assert.Equal(("bad.swf", 3, column), (error.Source, error.Position!.Value.Line, error.Position.Value.Column));
        Assert.StartsWith(message, $"{error.Path}{(error.Path.Length > 0 ? ": " : "")}{error.Message}", StringComparison.Ordinal);
        Assert.Single(trace.Jobs); // the good line is kept; the bad one is not guessed at
    }

    [Fact]
    public void Every_malformed_line_is_counted_and_the_first_ones_reported()
    {
        var lines = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"{i} x"));
        var trace = SwfReader.Read(new StringReader(lines), "many.swf");

        Assert.Equal(SwfReader.MaxErrors + 1, trace.Errors.Length);
        Assert.Equal("and 10 more malformed lines", trace.Errors[^1].Message);
    }

    [Fact]
    public void Missing_empty_binary_and_broken_gzip_files_say_why()
    {
        using var folder = new TempFolder();
        var empty = folder.Write("empty.swf", "; MaxNodes: 4\n");
        var binary = Path.Combine(folder.Path, "binary.swf");
        File.WriteAllBytes(binary, [0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]);
        var brokenGzip = Path.Combine(folder.Path, "broken.swf.gz");
        File.WriteAllBytes(brokenGzip, [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff]);

        Assert.Equal("trace file not found", SwfReader.Read(Path.Combine(folder.Path, "nope.swf")).Errors.Single().Message);
        Assert.Equal("trace is a directory, not a file", SwfReader.Read(folder.Path).Errors.Single().Message);
        Assert.Equal("the trace has no job lines", SwfReader.Read(empty).Errors.Single().Message);
        Assert.Equal("trace is not a text file", SwfReader.Read(binary).Errors.Single().Message);
        Assert.Equal("trace is not a valid gzip file", SwfReader.Read(brokenGzip).Errors.Single().Message);
    }

    [Fact]
    public void A_gzipped_file_without_the_gz_name_is_still_read()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "plain-name.swf");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip))
            writer.Write(TwoJobs);

        Assert.Equal(2, SwfReader.Read(path).Jobs.Length);
    }
}
