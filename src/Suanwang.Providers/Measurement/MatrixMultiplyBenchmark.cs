using System.Diagnostics;
using System.Numerics;
using System.Threading.Tasks;

namespace Suanwang.Providers.Measurement;

/// <summary>
/// A small, honest compute micro-benchmark for <c>suanwang agent</c> and <c>suanwang measure</c>:
/// blocked FP64 and FP32 matrix multiply with <see cref="Vector{T}"/> on one thread and on all
/// threads, plus an optional STREAM-style triad for memory bandwidth. Before timing, the kernel is
/// checked against a naive multiply on odd shapes; after each timed run, sampled entries of the
/// product are checked again — a benchmark whose answers are wrong reports nothing.
/// </summary>
public static class MatrixMultiplyBenchmark
{
    private const int Seed = 20240601;

    /// <summary>Runs the benchmark. The default (n = 512, 5 repetitions) takes about a second on a 2-core machine.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The kernel computed a wrong product.</exception>
    public static MatrixMultiplyResult Run(MatrixMultiplyOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MatrixMultiplyOptions();
        if (options.Validate() is { Count: > 0 } problems)
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        var total = Stopwatch.StartNew();
        var threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;

        VerifyKernel<double>(threads);
        VerifyKernel<float>(threads);

        var fp64Single = Gemm<double>(options.Size, options.Repetitions, 1, cancellationToken);
        var fp64All = threads == 1 ? fp64Single : Gemm<double>(options.Size, options.Repetitions, threads, cancellationToken);
        var fp32Single = Gemm<float>(options.Size, options.Repetitions, 1, cancellationToken);
        var fp32All = threads == 1 ? fp32Single : Gemm<float>(options.Size, options.Repetitions, threads, cancellationToken);
        var bandwidth = options.MeasureMemoryBandwidth
            ? MemoryTriad.Measure(options.BandwidthArrayElements, options.Repetitions, threads, cancellationToken)
            : null;

        return new MatrixMultiplyResult(options.Size, options.Repetitions, Environment.ProcessorCount,
            Vector<byte>.Count * 8, Vector.IsHardwareAccelerated,
            fp64Single, fp64All, fp32Single, fp32All, bandwidth, total.Elapsed);
    }

    /// <summary>Checks the blocked kernel against the naive product on shapes that exercise every edge path and block boundary; throws when they differ.</summary>
    internal static void VerifyKernel<T>(int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Vector<T>.Count;
        (int M, int K, int N)[] shapes =
        [
            (37, 53, 29), (1, 1, 1), (5, 300, 3), (67, 45, 2 * w + 3),
            (9, 2 * GemmKernel.DepthBlock + 5, 4 * w + 5),    // several depth blocks through packed strips
            (6, 20, GemmKernel.ColumnBlock + 2 * w + 1),     // several column blocks
        ];
        foreach (var (m, k, n) in shapes)
        {
            var a = RandomMatrix<T>(m * k, Seed);
            var b = RandomMatrix<T>(k * n, Seed + 1);
            var c = new T[m * n];
            GemmKernel.Multiply(a, b, c, m, k, n, threads);
            var expected = GemmKernel.MultiplyNaive(a, b, m, k, n);
            for (var index = 0; index < c.Length; index++)
                CheckEntry(double.CreateTruncating(c[index]), expected[index], k, $"{typeof(T).Name} {m}x{k}x{n} at {index}");
        }
    }

    internal static RepeatedMeasurement Gemm<T>(int size, int repetitions, int threads, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = RandomMatrix<T>(size * size, Seed + 2);
        var b = RandomMatrix<T>(size * size, Seed + 3);
        var c = new T[size * size];
        var flops = 2.0 * size * size * size;
        GemmKernel.Multiply(a, b, c, size, size, size, threads); // warm-up: pages, caches, thread pool
        var samples = new List<double>(repetitions);
        for (var r = 0; r < repetitions; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(c);
            var watch = Stopwatch.StartNew();
            GemmKernel.Multiply(a, b, c, size, size, size, threads);
            watch.Stop();
            samples.Add(flops / watch.Elapsed.TotalSeconds / 1e9);
        }
        SpotCheck(a, b, c, size);
        return RepeatedMeasurement.Of(threads, samples);
    }

    /// <summary>Recomputes a few entries of the timed product in double precision.</summary>
    private static void SpotCheck<T>(T[] a, T[] b, T[] c, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(Seed);
        for (var s = 0; s < 16; s++)
        {
            int i = random.Next(size), j = random.Next(size);
            double expected = 0;
            for (var p = 0; p < size; p++)
                expected += double.CreateTruncating(a[i * size + p]) * double.CreateTruncating(b[p * size + j]);
            CheckEntry(double.CreateTruncating(c[i * size + j]), expected, size, $"{typeof(T).Name} {size}x{size} at ({i},{j})");
        }
    }

    private static void CheckEntry(double actual, double expected, int depth, string where)
    {
        // Entries are sums of `depth` products of values in [-1, 1]. Rounding error (FP32 included)
        // stays far below 1e-6 per term, while a kernel that drops or repeats even one product is
        // off by about 0.25 on average: the bound is loose for a right kernel, tight for a wrong one.
        var tolerance = depth * 1e-6;
        if (!(Math.Abs(actual - expected) <= tolerance))
            throw new InvalidOperationException($"matrix multiply kernel is wrong: {where} is {actual}, expected {expected}");
    }

    internal static T[] RandomMatrix<T>(int length, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (var i = 0; i < length; i++)
            values[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        return values;
    }
}

/// <summary>STREAM-style triad <c>a[i] = b[i] + s·c[i]</c>, counted as 24 bytes per element (STREAM's convention, no write-allocate).</summary>
internal static class MemoryTriad
{
    public static RepeatedMeasurement Measure(int elements, int repetitions, int threads, CancellationToken cancellationToken)
    {
        var a = new double[elements];
        var b = new double[elements];
        var c = new double[elements];
        Array.Fill(b, 1.0);
        Array.Fill(c, 2.0);
        Triad(a, b, c, 3.0, threads); // warm-up: touches every page
        var samples = new List<double>(repetitions);
        for (var r = 0; r < repetitions; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            Triad(a, b, c, 3.0, threads);
            watch.Stop();
            samples.Add(24.0 * elements / watch.Elapsed.TotalSeconds / 1e9);
        }
        if (a[0] != 7.0 || a[^1] != 7.0)
            throw new InvalidOperationException("memory triad computed a wrong result");
        return RepeatedMeasurement.Of(threads, samples);
    }

    private static void Triad(double[] a, double[] b, double[] c, double scalar, int threads)
    {
        var chunks = Math.Max(1, threads * 4);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            var first = (int)((long)a.Length * chunk / chunks);
            var last = (int)((long)a.Length * (chunk + 1) / chunks);
            var factor = new Vector<double>(scalar);
            var w = Vector<double>.Count;
            var i = first;
            for (; i + w <= last; i += w)
                (new Vector<double>(b, i) + factor * new Vector<double>(c, i)).CopyTo(a, i);
            for (; i < last; i++)
                a[i] = b[i] + scalar * c[i];
        });
    }
}
