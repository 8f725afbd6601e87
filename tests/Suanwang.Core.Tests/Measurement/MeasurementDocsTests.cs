using Suanwang.Core.Measurement;

namespace Suanwang.Core.Tests.Measurement;

public class MeasurementDocsTests
{
    [Fact]
    public void Documented_grade_table_is_what_the_code_computes()
    {
        var table = CatalogReport.MarkdownTable(DeviceCatalog.LoadEmbedded());
        var docs = File.ReadAllText(FindRepositoryFile("docs/measurement.md")).ReplaceLineEndings("\n");

        Assert.True(docs.Contains(table.ReplaceLineEndings("\n"), StringComparison.Ordinal),
            "docs/measurement.md does not contain the current grade table; replace it with:\n" + table);
    }

    private static string FindRepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
