using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;
using Suanwang.Providers.Adapters;

namespace Suanwang.Providers.Staging;

/// <summary>What staging one dataset did.</summary>
/// <param name="Files">Files in the dataset.</param>
/// <param name="FilesFetched">Files transferred (the others were already present and verified).</param>
/// <param name="BytesFetched">Bytes received over the network, including those of attempts that broke off.</param>
/// <param name="Resumes">Transfers continued from a partial file by a range request.</param>
/// <param name="Elapsed">Wall time of the whole staging.</param>
public sealed record StagingResult(int Files, int FilesFetched, long BytesFetched, int Resumes, TimeSpan Elapsed);

/// <summary>Staging failed for a reason retrying will not fix (checksum mismatch, no replica anywhere, refused grant).</summary>
public sealed class StagingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Copies a dataset replica from another agent's <see cref="DatasetServer"/> into a local replica directory:
/// file by file, each into a partial file first (kept across failures and agent restarts), continued with a
/// <c>Range</c> request after an interruption, paced to the bandwidth the plan reserved, checked against
/// its SHA-256, then moved into place. Files already present with the right size and hash are not fetched.
/// </summary>
public sealed class DatasetFetcher(HttpClient http)
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>How many times a broken transfer is continued before the staging fails (sources are tried in turn).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>First delay between attempts (doubled each time, with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Makes <paramref name="replicaDirectory"/> a verified replica of the input, using
    /// <paramref name="partialDirectory"/> for incomplete files (neither is inside the other).
    /// </summary>
    public async Task<StagingResult> FetchAsync(StagingInput input, string replicaDirectory, string partialDirectory, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Sources.Count == 0)
            throw new StagingException($"no agent at {input.FromSite} serves {input.Tenant}/{input.Dataset}");
        var clock = Stopwatch.StartNew();
        var source = 0;
        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<IOException>()
                .Handle<TaskCanceledException>(_ => !cancel.IsCancellationRequested),
            MaxRetryAttempts = MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = RetryDelay,
            OnRetry = _ =>
            {
                source = (source + 1) % input.Sources.Count; // the next agent at the site may still hold it
                return ValueTask.CompletedTask;
            },
        }).Build();

        var files = input.Files ?? await pipeline.ExecuteAsync(async ct => await ManifestAsync(input, input.Sources[source], ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
        DatasetManifest.Check(files);
        Directory.CreateDirectory(replicaDirectory);
        var (fetched, resumes) = (0, 0);
        var received = new StrongBox<long>();
        // One pacer for the whole dataset: the reservation covers the dataset, not each file. 64 KiB of allowance: one chunk may run ahead.
        var limiter = input.BytesPerSecond > 0 ? new TransferPacer(input.BytesPerSecond, ChunkBytes) : null;
        var verified = VerifiedFiles.Load(partialDirectory);
        foreach (var file in files)
        {
            var target = DatasetPaths.Resolve(replicaDirectory, file.Path);
            if (File.Exists(target) && new FileInfo(target).Length == file.Size
                && (verified.Holds(target, file) || await DatasetManifest.HashFileAsync(target, cancel).ConfigureAwait(false) == file.Sha256))
            {
                verified.Record(target, file);
                continue;
            }
            var partial = DatasetPaths.Resolve(partialDirectory, file.Path + ".part");
            Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
            var (resumed, hash) = await pipeline.ExecuteAsync(async ct =>
                await FetchFileAsync(input, input.Sources[source], file, partial, limiter, received, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            resumes += resumed ? 1 : 0;
            if (hash != file.Sha256)
            {
                File.Delete(partial); // never keep bytes that failed their check; the next attempt starts over
                throw new StagingException($"{input.Tenant}/{input.Dataset}: '{file.Path}' has SHA-256 {hash}, expected {file.Sha256}");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(partial, target, overwrite: true);
            verified.Record(target, file);
            fetched++;
        }
        verified.Save();
        return new StagingResult(files.Count, fetched, received.Value, resumes, clock.Elapsed);
    }

    private async Task<IReadOnlyList<DatasetFile>> ManifestAsync(StagingInput input, Uri source, CancellationToken cancel)
    {
        using var request = Request(input, source, "manifest");
        using var response = await http.SendAsync(request, cancel).ConfigureAwait(false);
        await EnsureServedAsync(input, response, "manifest", cancel).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<DatasetFile>>(DatasetJson.Options, cancel).ConfigureAwait(false)
            ?? throw new StagingException($"{source} answered an empty manifest");
    }

    // Returns whether the transfer continued a partial file, and the SHA-256 of the whole partial file (hashed
    // as it is written, after the bytes already there); counts every byte received into total.
    private async Task<(bool Resumed, string Sha256)> FetchFileAsync(StagingInput input, Uri source, DatasetFile file, string partial, TransferPacer? limiter, StrongBox<long> total, CancellationToken cancel)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (have > file.Size)
        {
            File.Delete(partial);
            have = 0;
        }
        if (have == file.Size)
            return (false, await DatasetManifest.HashFileAsync(partial, cancel).ConfigureAwait(false));
        using var request = Request(input, source, "files/" + string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString)));
        if (have > 0)
            request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        await EnsureServedAsync(input, response, file.Path, cancel).ConfigureAwait(false);
        var resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have;
        if (!resumed)
            have = 0; // the server sent the whole file: start the partial over
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (resumed)
            await HashPrefixAsync(partial, have, hash, cancel).ConfigureAwait(false);
        var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, ChunkBytes, useAsync: true);
        var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        var received = 0L;
        await using (output.ConfigureAwait(false))
        await using (body.ConfigureAwait(false))
        {
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await body.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
            {
                if (have + received + read > file.Size)
                    throw new StagingException($"{input.Tenant}/{input.Dataset}: '{file.Path}' is longer than its {file.Size:N0} bytes");
                if (limiter is not null)
                    await limiter.PaceAsync(read, cancel).ConfigureAwait(false);
                await output.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
                hash.AppendData(buffer, 0, read);
                received += read;
                total.Value += read;
            }
        }
        if (have + received < file.Size)
            throw new IOException($"'{file.Path}': connection closed after {have + received:N0} of {file.Size:N0} bytes");
        return (resumed, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task HashPrefixAsync(string path, long length, IncrementalHash hash, CancellationToken cancel)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[ChunkBytes];
            for (long done = 0; done < length;)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), cancel).ConfigureAwait(false);
                if (read == 0)
                    throw new IOException($"'{path}' shrank while being resumed");
                hash.AppendData(buffer, 0, read);
                done += read;
            }
        }
    }

    private static HttpRequestMessage Request(StagingInput input, Uri source, string rest)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(source, $"v1/data/{Uri.EscapeDataString(input.Tenant)}/{Uri.EscapeDataString(DatasetPaths.Segment(input.Dataset))}/{rest}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", input.Grant);
        return request;
    }

    // 5xx and transport errors are retried (another source, or the same one later); a refusal is final.
    private static async Task EnsureServedAsync(StagingInput input, HttpResponseMessage response, string what, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
            return;
        var detail = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        var message = $"{input.Tenant}/{input.Dataset} {what}: {(int)response.StatusCode} from {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}: {detail}";
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.NotFound)
            throw new HttpRequestException(message, null, response.StatusCode);
        throw new StagingException(message);
    }
}
