using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace Suanwang.Providers.Measurement;

/// <summary>
/// Cache-blocked matrix multiply <c>C += A·B</c> on row-major arrays with <see cref="Vector{T}"/>:
/// B is first packed into contiguous 2-vector-wide column strips; blocks of <see cref="DepthBlock"/> ×
/// <see cref="ColumnBlock"/> of it stay in L2 while a 4-row × 2-vector register tile of C
/// accumulates with multiply-add (fused where the hardware has FMA).
/// Edges (rows not a multiple of 4, columns not a multiple of the vector width) take narrower
/// paths, so any shape is exact. Methods are compiled fully optimized at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>) so tiered JIT does not skew early repetitions.
/// </summary>
internal static class GemmKernel
{
    /// <summary>Depth (k) block: rows of B per pass.</summary>
    public const int DepthBlock = 256;

    /// <summary>Column (n) block: columns of B and C per pass.</summary>
    public const int ColumnBlock = 256;

    private const int RowTile = 4;

    /// <summary>C (m×n) += A (m×k) · B (k×n), rows split over up to <paramref name="threads"/> threads.</summary>
    public static void Multiply<T>(T[] a, T[] b, T[] c, int m, int k, int n, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        if (m < 0 || k < 0 || n < 0 || a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException("matrix arrays are smaller than the shape");
        var strip = 2 * Vector<T>.Count;
        var strips = n / strip;
        var packedLength = strips * k * strip;
        var packed = ArrayPool<T>.Shared.Rent(Math.Max(1, packedLength));
        try
        {
            PackStrips(b, packed, k, n, strips);
            if (threads <= 1 || m <= RowTile)
            {
                MultiplyRows(a, b, packed, c, m, k, n, 0, m);
                return;
            }
            // More chunks than threads so a thread slowed by a neighbour does not hold up the others.
            var panels = (m + RowTile - 1) / RowTile;
            var chunks = Math.Min(panels, threads * 4);
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
            {
                var first = (int)((long)panels * chunk / chunks) * RowTile;
                var last = Math.Min(m, (int)((long)panels * (chunk + 1) / chunks) * RowTile);
                MultiplyRows(a, b, packed, c, m, k, n, first, last);
            });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packed);
        }
    }

    /// <summary>
    /// Copies B's full 2-vector-wide column strips so each strip is contiguous over the depth:
    /// packed[(s·k + p)·2w + lane] = B[p, s·2w + lane]. Without this, walking down a column of B
    /// jumps n elements per step (4 KiB for n = 512 doubles), and those loads fight over a few L1 sets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrips<T>(T[] b, T[] packed, int k, int n, int strips) where T : unmanaged
    {
        var strip = 2 * Vector<T>.Count;
        for (var s = 0; s < strips; s++)
        {
            for (var p = 0; p < k; p++)
                Array.Copy(b, (long)p * n + (long)s * strip, packed, ((long)s * k + p) * strip, strip);
        }
    }

    /// <summary>Reference triple loop, accumulating in double, for verification only.</summary>
    public static double[] MultiplyNaive<T>(T[] a, T[] b, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                    sum += double.CreateTruncating(a[i * k + p]) * double.CreateTruncating(b[p * n + j]);
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyRows<T>(T[] a, T[] b, T[] packed, T[] c, int m, int k, int n, int rowStart, int rowEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(rowStart >= 0 && rowEnd <= m);
        Debug.Assert(ColumnBlock % (2 * Vector<T>.Count) == 0, "column blocks must hold whole strips");
        ref var a0 = ref MemoryMarshal.GetArrayDataReference(a);
        ref var b0 = ref MemoryMarshal.GetArrayDataReference(b);
        ref var p0 = ref MemoryMarshal.GetArrayDataReference(packed);
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(c);
        for (var jc = 0; jc < n; jc += ColumnBlock)
        {
            var jEnd = Math.Min(n, jc + ColumnBlock);
            for (var pc = 0; pc < k; pc += DepthBlock)
            {
                var pEnd = Math.Min(k, pc + DepthBlock);
                var i = rowStart;
                for (; i + RowTile <= rowEnd; i += RowTile)
                    FourRows(ref a0, ref b0, ref p0, ref c0, k, n, i, jc, jEnd, pc, pEnd);
                for (; i < rowEnd; i++)
                    OneRow(ref a0, ref b0, ref c0, k, n, i, jc, jEnd, pc, pEnd);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows<T>(ref T a, ref T b, ref T packed, ref T c, int k, int n, int i, int jc, int jEnd, int pc, int pEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Vector<T>.Count;
        nint row0 = (nint)i * k, row1 = row0 + k, row2 = row1 + k, row3 = row2 + k;
        nint out0 = (nint)i * n, out1 = out0 + n, out2 = out1 + n, out3 = out2 + n;
        var j = jc;
        for (; j + 2 * w <= jEnd; j += 2 * w)
        {
            var c00 = Load(ref c, out0 + j); var c01 = Load(ref c, out0 + j + w);
            var c10 = Load(ref c, out1 + j); var c11 = Load(ref c, out1 + j + w);
            var c20 = Load(ref c, out2 + j); var c21 = Load(ref c, out2 + j + w);
            var c30 = Load(ref c, out3 + j); var c31 = Load(ref c, out3 + j + w);
            // Strips start at column 0 and column blocks hold whole strips, so j is a strip boundary.
            nint bRow = ((nint)(j / (2 * w)) * k + pc) * (2 * w);
            for (var p = pc; p < pEnd; p++, bRow += 2 * w)
            {
                var b0 = Load(ref packed, bRow);
                var b1 = Load(ref packed, bRow + w);
                var x = new Vector<T>(Unsafe.Add(ref a, row0 + p));
                c00 = MultiplyAdd(x, b0, c00); c01 = MultiplyAdd(x, b1, c01);
                x = new Vector<T>(Unsafe.Add(ref a, row1 + p));
                c10 = MultiplyAdd(x, b0, c10); c11 = MultiplyAdd(x, b1, c11);
                x = new Vector<T>(Unsafe.Add(ref a, row2 + p));
                c20 = MultiplyAdd(x, b0, c20); c21 = MultiplyAdd(x, b1, c21);
                x = new Vector<T>(Unsafe.Add(ref a, row3 + p));
                c30 = MultiplyAdd(x, b0, c30); c31 = MultiplyAdd(x, b1, c31);
            }
            Store(c00, ref c, out0 + j); Store(c01, ref c, out0 + j + w);
            Store(c10, ref c, out1 + j); Store(c11, ref c, out1 + j + w);
            Store(c20, ref c, out2 + j); Store(c21, ref c, out2 + j + w);
            Store(c30, ref c, out3 + j); Store(c31, ref c, out3 + j + w);
        }
        for (; j + w <= jEnd; j += w)
        {
            var c0 = Load(ref c, out0 + j); var c1 = Load(ref c, out1 + j);
            var c2 = Load(ref c, out2 + j); var c3 = Load(ref c, out3 + j);
            for (var p = pc; p < pEnd; p++)
            {
                var bv = Load(ref b, (nint)p * n + j);
                c0 = MultiplyAdd(new Vector<T>(Unsafe.Add(ref a, row0 + p)), bv, c0);
                c1 = MultiplyAdd(new Vector<T>(Unsafe.Add(ref a, row1 + p)), bv, c1);
                c2 = MultiplyAdd(new Vector<T>(Unsafe.Add(ref a, row2 + p)), bv, c2);
                c3 = MultiplyAdd(new Vector<T>(Unsafe.Add(ref a, row3 + p)), bv, c3);
            }
            Store(c0, ref c, out0 + j); Store(c1, ref c, out1 + j);
            Store(c2, ref c, out2 + j); Store(c3, ref c, out3 + j);
        }
        for (var r = 0; r < RowTile; r++)
            ScalarColumns(ref a, ref b, ref c, k, n, i + r, j, jEnd, pc, pEnd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow<T>(ref T a, ref T b, ref T c, int k, int n, int i, int jc, int jEnd, int pc, int pEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Vector<T>.Count;
        nint row = (nint)i * k, output = (nint)i * n;
        var j = jc;
        for (; j + w <= jEnd; j += w)
        {
            var acc = Load(ref c, output + j);
            for (var p = pc; p < pEnd; p++)
                acc = MultiplyAdd(new Vector<T>(Unsafe.Add(ref a, row + p)), Load(ref b, (nint)p * n + j), acc);
            Store(acc, ref c, output + j);
        }
        ScalarColumns(ref a, ref b, ref c, k, n, i, j, jEnd, pc, pEnd);
    }

    private static void ScalarColumns<T>(ref T a, ref T b, ref T c, int k, int n, int i, int jStart, int jEnd, int pc, int pEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint row = (nint)i * k, output = (nint)i * n;
        for (var j = jStart; j < jEnd; j++)
        {
            var acc = Unsafe.Add(ref c, output + j);
            for (var p = pc; p < pEnd; p++)
                acc = T.FusedMultiplyAdd(Unsafe.Add(ref a, row + p), Unsafe.Add(ref b, (nint)p * n + j), acc);
            Unsafe.Add(ref c, output + j) = acc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(ref T source, nint offset) where T : unmanaged =>
        Vector.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector<T> value, ref T destination, nint offset) where T : unmanaged =>
        value.StoreUnsafe(ref destination, (nuint)offset);

    /// <summary>a·b + c, fused into one instruction where the hardware has FMA, separate multiply and add where it does not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
            return Vector.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return a * b + c;
    }
}
