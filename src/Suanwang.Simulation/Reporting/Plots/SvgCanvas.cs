using System.Globalization;
using System.Text;

namespace Suanwang.Simulation.Reporting.Plots;

/// <summary>
/// A hand-written SVG document: plain XML, numbers in invariant form with at most two decimals, text
/// escaped, elements in the order drawn — so the same figures give byte-identical files.
/// </summary>
internal sealed class SvgCanvas
{
    private readonly StringBuilder _svg = new();

    public SvgCanvas(double width, double height, string title)
    {
        Width = width;
        Height = height;
        _svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        _svg.Append("<title>").Append(Escape(title)).Append("</title>\n");
        Rect(0, 0, width, height, "#ffffff", null);
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>A number as SVG wants it: invariant, at most two decimals, never "-0".</summary>
    public static string N(double value)
    {
        var rounded = Math.Round(value, 2);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Text made safe for element content and attribute values.</summary>
    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&apos;", StringComparison.Ordinal);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? title = null, string? dash = null)
    {
        _svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"");
        if (dash is not null)
            _svg.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        Close("line", title);
    }

    public void Rect(double x, double y, double width, double height, string fill, string? stroke, string? title = null)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{fill}\"");
        if (stroke is not null)
            _svg.Append(" stroke=\"").Append(stroke).Append('"');
        Close("rect", title);
    }

    public void Circle(double cx, double cy, double r, string fill, string stroke, string? title = null)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.75\"");
        Close("circle", title);
    }

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end.</summary>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, string fill = "#222222", double rotate = 0)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-size=\"{N(size)}\" fill=\"{fill}\"");
        if (rotate != 0)
            _svg.Append(CultureInfo.InvariantCulture, $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"");
        _svg.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>An open polyline through <paramref name="points"/>.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width = 1.5, string? title = null)
    {
        if (points.Count == 0)
            return;
        _svg.Append("<polyline fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(width))
            .Append("\" stroke-linejoin=\"round\" points=\"");
        for (var i = 0; i < points.Count; i++)
        {
            if (i > 0)
                _svg.Append(' ');
            _svg.Append(N(points[i].X)).Append(',').Append(N(points[i].Y));
        }
        _svg.Append('"');
        Close("polyline", title);
    }

    /// <summary>A linear gradient definition, for colour-scale legends.</summary>
    public void Gradient(string id, IReadOnlyList<string> colours)
    {
        _svg.Append("<defs><linearGradient id=\"").Append(Escape(id)).Append("\">");
        for (var i = 0; i < colours.Count; i++)
        {
            var offset = colours.Count == 1 ? 0 : 100.0 * i / (colours.Count - 1);
            _svg.Append("<stop offset=\"").Append(N(offset)).Append("%\" stop-color=\"").Append(colours[i]).Append("\"/>");
        }
        _svg.Append("</linearGradient></defs>\n");
    }

    public override string ToString() => _svg.ToString() + "</svg>\n";

    private void Close(string element, string? title)
    {
        if (title is null)
            _svg.Append("/>\n");
        else
            _svg.Append("><title>").Append(Escape(title)).Append("</title></").Append(element).Append(">\n");
    }
}
