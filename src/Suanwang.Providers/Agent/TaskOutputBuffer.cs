using System.Globalization;
using System.Text;

namespace Suanwang.Providers.Agent;

/// <summary>
/// Output of tasks waiting to be streamed to the server, per task; at most <see cref="MaxChars"/> per task are
/// held (while the server is unreachable), older output is dropped with a note in the stream.
/// </summary>
internal sealed class TaskOutputBuffer
{
    public const int MaxChars = 1 << 20;
    public const int ChunkChars = 64 * 1024;

    private readonly Dictionary<string, (StringBuilder Text, long Dropped)> _pending = new(StringComparer.Ordinal);

    public void Append(string taskId, string text)
    {
        lock (_pending)
        {
            var (buffer, dropped) = _pending.TryGetValue(taskId, out var entry) ? entry : (new StringBuilder(), 0L);
            buffer.Append(text);
            if (buffer.Length > MaxChars)
            {
                dropped += buffer.Length - MaxChars;
                buffer.Remove(0, buffer.Length - MaxChars);
            }
            _pending[taskId] = (buffer, dropped);
        }
    }

    public bool Has(string taskId)
    {
        lock (_pending)
            return _pending.ContainsKey(taskId);
    }

    public IReadOnlyList<string> Tasks()
    {
        lock (_pending)
            return [.. _pending.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The next chunk to send for a task (with a note first when output was dropped), or null.</summary>
    public string? Peek(string taskId)
    {
        lock (_pending)
        {
            if (!_pending.TryGetValue(taskId, out var entry))
                return null;
            var note = entry.Dropped > 0 ? string.Create(CultureInfo.InvariantCulture, $"[suanwang agent] {entry.Dropped} characters of output were dropped while the server was unreachable\n") : "";
            return note + entry.Text.ToString(0, Math.Min(entry.Text.Length, ChunkChars));
        }
    }

    /// <summary>Removes what <see cref="Peek"/> returned once the server took it.</summary>
    public void Consume(string taskId, string chunk)
    {
        lock (_pending)
        {
            if (!_pending.TryGetValue(taskId, out var entry))
                return;
            var note = entry.Dropped > 0;
            var taken = chunk.Length;
            if (note)
                taken -= chunk.IndexOf('\n', StringComparison.Ordinal) + 1;
            entry.Text.Remove(0, Math.Min(taken, entry.Text.Length));
            if (entry.Text.Length == 0)
                _pending.Remove(taskId);
            else
                _pending[taskId] = (entry.Text, 0);
        }
    }

    public void Drop(string taskId)
    {
        lock (_pending)
            _pending.Remove(taskId);
    }
}
