using System.Globalization;
using Suanwang.Core.Model;

namespace Suanwang.Providers.Agent;

/// <summary>
/// Checks a finished task's <c>output/</c> directory against its declared size: the bytes of every regular file
/// below it (symbolic links are not followed and count nothing, but a link that points outside the task's directory
/// fails the task, since its output would be someone else's file).
/// </summary>
internal static class OutputCheck
{
    public static string? Problem(string taskDirectory, ByteSize? declared)
    {
        var output = Path.Combine(taskDirectory, TaskDirectory.Output);
        if (!Directory.Exists(output))
            return null;
        long total = 0;
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(output)]);
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }))
            {
                if (entry.LinkTarget is { } target)
                {
                    var resolved = Path.GetFullPath(target, Path.GetDirectoryName(entry.FullName)!);
                    if (!TaskDirectory.IsInside(taskDirectory, resolved))
                        return $"output/{Path.GetRelativePath(output, entry.FullName)} is a symbolic link to {target}, outside the task's directory";
                    continue;
                }
                if (entry is DirectoryInfo directory)
                    pending.Push(directory);
                else if (entry is FileInfo file)
                    total += file.Length;
            }
        }
        if (declared is { } size && total > size.Bytes)
            return string.Create(CultureInfo.InvariantCulture, $"output too large: output/ holds {total} bytes, more than the declared output.size {size} ({size.Bytes} bytes)");
        return null;
    }
}
