using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Suanwang.Core.Model;

/// <summary>
/// An <see cref="ImmutableArray{T}"/> that compares by its items, in order. Records holding one are
/// equal when their lists hold equal items, where a bare <see cref="ImmutableArray{T}"/> would compare
/// the references of its backing arrays (two jobs read from the same file twice would differ). A default
/// value is the empty list. It converts implicitly from and to <see cref="ImmutableArray{T}"/> and
/// can be written as a collection expression (<c>[a, b]</c>).
/// </summary>
/// <typeparam name="T">The item type; its own equality is used.</typeparam>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Wraps <paramref name="items"/>; a default array counts as empty.</summary>
    public EquatableArray(ImmutableArray<T> items) => _items = items;

    /// <summary>Number of items.</summary>
    public int Length => _items.IsDefault ? 0 : _items.Length;

    /// <summary>True when there are no items.</summary>
    public bool IsEmpty => Length == 0;

    /// <inheritdoc />
    int IReadOnlyCollection<T>.Count => Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public T this[int index] => AsImmutableArray()[index];

    /// <summary>The items as an <see cref="ImmutableArray{T}"/> (never default).</summary>
    public ImmutableArray<T> AsImmutableArray() => _items.IsDefault ? [] : _items;

    /// <summary>Wraps an <see cref="ImmutableArray{T}"/>.</summary>
    public static implicit operator EquatableArray<T>(ImmutableArray<T> items) => new(items);

    /// <summary>Unwraps to an <see cref="ImmutableArray{T}"/> (never default).</summary>
    public static implicit operator ImmutableArray<T>(EquatableArray<T> array) => array.AsImmutableArray();

    /// <summary>True when both hold equal items in the same order.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>True when the lists differ in length or in any item.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <summary>A struct enumerator over the items.</summary>
    public ImmutableArray<T>.Enumerator GetEnumerator() => AsImmutableArray().GetEnumerator();

    /// <inheritdoc />
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)AsImmutableArray()).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)AsImmutableArray()).GetEnumerator();

    /// <inheritdoc />
    public bool Equals(EquatableArray<T> other) => AsImmutableArray().AsSpan().SequenceEqual(other.AsImmutableArray().AsSpan(), EqualityComparer<T>.Default);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in AsImmutableArray())
            hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>The items in brackets, e.g. <c>[a, b]</c>, for messages and test output.</summary>
    public override string ToString() => $"[{string.Join(", ", AsImmutableArray())}]";
}

/// <summary>Builds <see cref="EquatableArray{T}"/> values; used by collection expressions.</summary>
public static class EquatableArray
{
    /// <summary>A list of the given items.</summary>
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));

    /// <summary>Wraps an <see cref="ImmutableArray{T}"/> (the named form of the implicit conversion).</summary>
    public static EquatableArray<T> From<T>(ImmutableArray<T> items) => new(items);
}
