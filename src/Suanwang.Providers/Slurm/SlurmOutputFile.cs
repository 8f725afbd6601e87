using System.Text;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Slurm;

/// <summary>Reads a slice of a job's output file, never splitting a UTF-8 character between slices.</summary>
internal static class SlurmOutputFile
{
    public static async Task<LogChunk> ReadAsync(string taskId, string path, long offset, int maxBytes, bool ended, CancellationToken cancel)
    {
        if (!File.Exists(path))
            return new LogChunk(taskId, offset, "", offset, ended);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream.ConfigureAwait(false))
        {
            var length = stream.Length;
            var from = Math.Min(offset, length);
            stream.Seek(from, SeekOrigin.Begin);
            var buffer = new byte[(int)Math.Min(maxBytes, length - from)];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancel).ConfigureAwait(false);
                if (n == 0)
                    break;
                read += n;
            }
            var whole = from + read == length ? read : CompleteCharacters(buffer, read);
            return new LogChunk(taskId, from, Encoding.UTF8.GetString(buffer, 0, whole), from + whole, ended && from + whole == length);
        }
    }

    /// <summary>How many leading bytes end on a character boundary (a cut multi-byte sequence waits for the next slice).</summary>
    internal static int CompleteCharacters(byte[] buffer, int count)
    {
        var start = count;
        // Step back over continuation bytes (10xxxxxx) to the last lead byte, at most 3.
        while (start > 0 && count - start < 3 && (buffer[start - 1] & 0xC0) == 0x80)
            start--;
        if (start == 0)
            return count;
        var lead = buffer[start - 1];
        var needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return count - (start - 1) >= needed ? count : start - 1;
    }
}
