namespace Suanwang.Simulation.Engine;

/// <summary>
/// A flow-level network (as SimGrid's flow model): every transfer is a flow over a fixed list of arcs
/// (link directions); reserved flows get their reserved rate first, and the capacity left on each arc
/// is shared among best-effort flows max-min fairly (progressive filling). Rates change only when a
/// flow starts or ends or an arc's capacity changes, so between those moments each flow advances
/// linearly and its completion time is exact.
/// </summary>
/// <remarks>
/// Time is in seconds (a double: the simulator's clock), sizes in bytes, rates in bytes per second.
/// When reservations on an arc exceed a degraded capacity, the reserved flows on it are scaled down
/// in proportion and best-effort flows there stall (rate 0) until capacity returns.
/// </remarks>
public sealed class FlowNetwork
{
    private readonly double[] _capacity;
    private readonly List<Flow?> _flows = [];
    private readonly Stack<int> _free = new();
    private double _now;
    private bool _ratesStale;

    /// <param name="arcCapacityBytesPerSecond">Capacity of every arc, indexed by arc.</param>
    public FlowNetwork(IReadOnlyList<double> arcCapacityBytesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(arcCapacityBytesPerSecond);
        _capacity = [.. arcCapacityBytesPerSecond];
        if (_capacity.Any(c => !(c >= 0) || double.IsInfinity(c)))
            throw new ArgumentOutOfRangeException(nameof(arcCapacityBytesPerSecond), "arc capacities must be finite and not negative");
    }

    /// <summary>The time the network has been advanced to.</summary>
    public double Now => _now;

    /// <summary>Flows in progress.</summary>
    public int ActiveFlows { get; private set; }

    /// <summary>
    /// Starts a flow at the current time. <paramref name="reservedRate"/> (bytes/s) makes it a reserved
    /// flow served before best-effort ones; <paramref name="maxRate"/> caps it (the endpoints' limit, or the
    /// metro rate of a transfer with no arcs, which needs a cap). Returns the flow's id.
    /// </summary>
    public int Start(ReadOnlySpan<int> arcs, double bytes, double? reservedRate = null, double maxRate = double.PositiveInfinity)
    {
        if (!(bytes >= 0) || double.IsInfinity(bytes))
            throw new ArgumentOutOfRangeException(nameof(bytes), "a flow's size must be finite and not negative");
        if (reservedRate is { } r && !(r > 0 && !double.IsInfinity(r)))
            throw new ArgumentOutOfRangeException(nameof(reservedRate), "a reserved rate must be positive and finite");
        if (!(maxRate > 0))
            throw new ArgumentOutOfRangeException(nameof(maxRate), "a rate cap must be positive");
        if (arcs.IsEmpty && reservedRate is null && double.IsPositiveInfinity(maxRate))
            throw new ArgumentException("a flow over no arc needs a rate cap or a reserved rate", nameof(arcs));
        foreach (var arc in arcs)
        {
            if ((uint)arc >= (uint)_capacity.Length)
                throw new ArgumentOutOfRangeException(nameof(arcs), $"arc {arc} is not in the network");
        }
        var flow = new Flow(arcs.ToArray(), bytes, reservedRate, Math.Min(maxRate, reservedRate ?? double.PositiveInfinity));
        var id = _free.Count > 0 ? _free.Pop() : _flows.Count;
        if (id == _flows.Count)
            _flows.Add(flow);
        else
            _flows[id] = flow;
        ActiveFlows++;
        _ratesStale = true;
        return id;
    }

    /// <summary>Stops a flow before it completes (its job was cancelled or its site failed); returns the bytes still unsent.</summary>
    public double Cancel(int flow)
    {
        var f = Get(flow);
        Remove(flow);
        return f.Remaining;
    }

    /// <summary>Changes an arc's capacity from the current time (a degraded or restored link).</summary>
    public void SetCapacity(int arc, double bytesPerSecond)
    {
        if (!(bytesPerSecond >= 0) || double.IsInfinity(bytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), "capacity must be finite and not negative");
        _capacity[arc] = bytesPerSecond;
        _ratesStale = true;
    }

    /// <summary>The current rate of a flow, bytes per second.</summary>
    public double Rate(int flow)
    {
        Recompute();
        return Get(flow).Rate;
    }

    /// <summary>Bytes a flow still has to send.</summary>
    public double Remaining(int flow) => Get(flow).Remaining;

    /// <summary>When the next flow completes at the current rates, or +∞ when none will (no flows, or all stalled).</summary>
    public double NextCompletion()
    {
        Recompute();
        var next = double.PositiveInfinity;
        foreach (var f in _flows)
        {
            if (f is null)
                continue;
            var at = f.Remaining <= 0 ? _now : f.Rate > 0 ? _now + (f.Remaining / f.Rate) : double.PositiveInfinity;
            next = Math.Min(next, at);
        }
        return next;
    }

    /// <summary>
    /// Advances every flow to <paramref name="time"/> (not beyond <see cref="NextCompletion"/> if flows
    /// should finish on time) and removes and returns, in id order, the flows that are complete.
    /// </summary>
    public List<int> AdvanceTo(double time)
    {
        if (time < _now)
            throw new ArgumentOutOfRangeException(nameof(time), "the network cannot go back in time");
        Recompute();
        var elapsed = time - _now;
        var done = new List<int>();
        for (var id = 0; id < _flows.Count; id++)
        {
            if (_flows[id] is not { } f)
                continue;
            f.Remaining -= f.Rate * elapsed;
            // A flow within a millionth of a byte (or of its size) is done: float error, not data.
            if (f.Remaining <= Math.Max(1e-6, f.Size * 1e-12))
                done.Add(id);
        }
        _now = time;
        foreach (var id in done)
            Remove(id);
        return done;
    }

    private Flow Get(int flow) =>
        (uint)flow < (uint)_flows.Count && _flows[flow] is { } f ? f : throw new ArgumentOutOfRangeException(nameof(flow), $"flow {flow} is not active");

    private void Remove(int flow)
    {
        _flows[flow] = null;
        _free.Push(flow);
        ActiveFlows--;
        _ratesStale = true;
    }

    /// <summary>Reserved flows first (scaled down where reservations exceed capacity), then max-min fair shares by progressive filling.</summary>
    private void Recompute()
    {
        if (!_ratesStale)
            return;
        _ratesStale = false;
        var left = (double[])_capacity.Clone();
        var reservedOn = new double[left.Length];
        foreach (var f in _flows)
        {
            if (f?.Reserved is { } r)
            {
                foreach (var a in f.Arcs)
                    reservedOn[a] += r;
            }
        }
        foreach (var f in _flows)
        {
            if (f?.Reserved is not { } r)
                continue;
            var scale = 1.0;
            foreach (var a in f.Arcs)
                scale = Math.Min(scale, reservedOn[a] > _capacity[a] ? _capacity[a] / reservedOn[a] : 1);
            f.Rate = Math.Min(f.Cap, r * scale);
        }
        foreach (var f in _flows)
        {
            if (f?.Reserved is not null)
            {
                foreach (var a in f.Arcs)
                    left[a] = Math.Max(0, left[a] - f.Rate);
            }
        }
        FillBestEffort(left);
    }

    private void FillBestEffort(double[] left)
    {
        var open = new List<Flow>();
        var crossing = new int[left.Length];
        foreach (var f in _flows)
        {
            if (f is null || f.Reserved is not null)
                continue;
            f.Rate = 0;
            open.Add(f);
            foreach (var a in f.Arcs)
                crossing[a]++;
        }
        while (open.Count > 0)
        {
            // The next level: the smallest fair share of any arc still crossed, or the smallest cap.
            var level = double.PositiveInfinity;
            for (var a = 0; a < left.Length; a++)
            {
                if (crossing[a] > 0)
                    level = Math.Min(level, left[a] / crossing[a]);
            }
            foreach (var f in open)
                level = Math.Min(level, f.Cap);
            var frozen = open.FindAll(f => f.Cap <= level || f.Arcs.Any(a => left[a] / crossing[a] <= level * (1 + 1e-12)));
            foreach (var f in frozen)
            {
                f.Rate = level;
                foreach (var a in f.Arcs)
                {
                    left[a] = Math.Max(0, left[a] - level);
                    crossing[a]--;
                }
            }
            open.RemoveAll(frozen.Contains);
        }
    }

    private sealed class Flow(int[] arcs, double size, double? reserved, double cap)
    {
        public int[] Arcs { get; } = arcs;

        public double Size { get; } = size;

        public double Remaining { get; set; } = size;

        public double? Reserved { get; } = reserved;

        public double Cap { get; } = cap;

        public double Rate { get; set; }
    }
}
