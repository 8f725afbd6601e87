using System.Data.Common;
using System.Threading.Channels;

namespace Suanwang.Server.Store;

/// <summary>A unit of work run inside the writer's transaction.</summary>
internal delegate Task<object?> WriteWork(DbConnection connection, DbTransaction transaction, CancellationToken cancel);

/// <summary>
/// Group commit: every write of the process goes through one connection and one loop that takes all
/// the writes waiting at that moment (up to <see cref="MaxBatch"/>), runs them in one transaction,
/// commits once — one fsync for the lot — and only then completes their tasks. A write that fails makes
/// the batch run again with a savepoint per write, so it fails alone and the others commit. A failed
/// commit fails every write of the batch, so nothing is ever acknowledged that is not durable. A write
/// must therefore be safe to run twice (it only touches the database, which the rollback restores).
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    /// <summary>The most writes committed together.</summary>
    public const int MaxBatch = 512;

    private readonly SqlDialect _dialect;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public GroupCommitWriter(SqlDialect dialect)
    {
        _dialect = dialect;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many transactions committed so far (for metrics and tests of batching).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    /// <summary>Queues <paramref name="work"/>; the task completes once it is committed (durable) or has failed.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancel)
    {
        var pending = new Pending(async (c, t, ct) => await work(c, t, ct).ConfigureAwait(false),
            new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            throw new StoreException("the store is shutting down");
        // The caller may stop waiting, but the write itself is not withdrawn: it may already be committed.
        return (T)(await pending.Done.Task.WaitAsync(cancel).ConfigureAwait(false))!;
    }

    private async Task RunAsync()
    {
        DbConnection? connection = null;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                    batch.Add(next);
                try
                {
                    connection ??= await _dialect.OpenAsync(_stop.Token).ConfigureAwait(false);
                    await CommitAsync(connection, batch).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    foreach (var pending in batch)
                        pending.Done.TrySetException(new StoreException($"the write was not committed: {ex.Message}", ex));
                    if (connection is not null)
                        await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null; // reopen: the connection may be what broke
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var pending in batch)
                pending.Done.TrySetException(new StoreException("the store shut down before the write was committed"));
            while (_queue.Reader.TryRead(out var left))
                left.Done.TrySetException(new StoreException("the store shut down before the write was committed"));
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(DbConnection connection, List<Pending> batch)
    {
        // Fast path: the whole batch in one transaction without savepoints (each savepoint is a statement,
        // and a round trip on PostgreSQL). Writes rarely fail; when one does, the transaction is rolled back
        // and the batch runs again with a savepoint per write, so the failure stays its own.
        var results = new object?[batch.Count];
        var failed = false;
        await using (var transaction = await connection.BeginTransactionAsync(_stop.Token).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count && !failed; i++)
            {
                try
                {
                    results[i] = await batch[i].Work(connection, transaction, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DbException or StoreConflictException)
                {
                    failed = true;
                }
            }
            if (failed)
                await transaction.RollbackAsync(_stop.Token).ConfigureAwait(false);
            else
                await transaction.CommitAsync(_stop.Token).ConfigureAwait(false);
        }
        if (failed)
        {
            await CommitOneByOneAsync(connection, batch).ConfigureAwait(false);
            return;
        }
        Interlocked.Increment(ref _commits);
        for (var i = 0; i < batch.Count; i++)
            batch[i].Done.TrySetResult(results[i]);
    }

    private async Task CommitOneByOneAsync(DbConnection connection, List<Pending> batch)
    {
        var results = new object?[batch.Count];
        var failures = new Exception?[batch.Count];
        await using (var transaction = await connection.BeginTransactionAsync(_stop.Token).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                await Sql.ExecuteAsync(connection, transaction, "SAVEPOINT write", _stop.Token).ConfigureAwait(false);
                try
                {
                    results[i] = await batch[i].Work(connection, transaction, _stop.Token).ConfigureAwait(false);
                    await Sql.ExecuteAsync(connection, transaction, "RELEASE SAVEPOINT write", _stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DbException or StoreConflictException)
                {
                    failures[i] = ex;
                    await Sql.ExecuteAsync(connection, transaction, "ROLLBACK TO SAVEPOINT write", _stop.Token).ConfigureAwait(false);
                    await Sql.ExecuteAsync(connection, transaction, "RELEASE SAVEPOINT write", _stop.Token).ConfigureAwait(false);
                }
            }
            await transaction.CommitAsync(_stop.Token).ConfigureAwait(false);
        }
        Interlocked.Increment(ref _commits);
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
                batch[i].Done.TrySetException(failure);
            else
                batch[i].Done.TrySetResult(results[i]);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        // Let queued writes commit; the loop ends when the queue is drained.
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
    }

    private sealed record Pending(WriteWork Work, TaskCompletionSource<object?> Done);
}

/// <summary>A write refused because what it was based on changed (a version moved on) or a rule forbids it.</summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException() { }

    /// <summary>Creates the exception with a message.</summary>
    public StoreConflictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StoreConflictException(string message, Exception inner) : base(message, inner) { }
}
