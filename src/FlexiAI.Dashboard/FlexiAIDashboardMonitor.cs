using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FlexiAI.Dashboard;

/// <summary>
/// Watches one <see cref="FlexiAIClient"/> for the dashboard: keeps a bounded timeline of its circuit-breaker transitions and
/// per-provider request history in 10-second buckets over the last 5 minutes, and writes the dashboard's JSON snapshot
/// (the shape <c>{prefix}/api/snapshot</c> serves, described in docs/dashboard.md). The endpoints create one per mapping;
/// <c>flexiai top --emulate</c> uses one directly. Holds no prompt, answer, key or connection string.
/// </summary>
public sealed class FlexiAIDashboardMonitor : IDisposable
{
    /// <summary>The width of one history bucket.</summary>
    public static readonly TimeSpan HistoryBucket = TimeSpan.FromSeconds(10);

    /// <summary>How many history buckets the snapshot reports (5 minutes).</summary>
    public const int HistoryBuckets = 30;

    private readonly FlexiAIClient _client;
    private readonly int _capacity;
    private readonly LinkedList<CircuitStateChange> _timeline = new();
    private readonly DashboardHistory _history = new(HistoryBucket, HistoryBuckets);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="FlexiAIDashboardMonitor"/> class and starts recording the client's breaker transitions.</summary>
    /// <param name="client">The client to watch.</param>
    /// <param name="timelineCapacity">How many transitions to keep (1–1000).</param>
    public FlexiAIDashboardMonitor(FlexiAIClient client, int timelineCapacity = 50)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(timelineCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timelineCapacity, 1000);
        _client = client;
        _capacity = timelineCapacity;
        client.CircuitStateChanged += OnCircuitStateChanged;
    }

    /// <summary>Gets the client this monitor watches.</summary>
    public FlexiAIClient Client => _client;

    /// <summary>Gets the recorded breaker transitions, newest first.</summary>
    /// <returns>A copy of the timeline.</returns>
    public IReadOnlyList<CircuitStateChange> GetTimeline()
    {
        lock (_gate)
        {
            return [.. _timeline];
        }
    }

    /// <summary>Writes the dashboard snapshot: totals, per-provider breaker state, counts, latency, cost and history, and the timeline.</summary>
    /// <param name="adminActions">Whether the caller may reset or trip breakers (the page shows the buttons only then).</param>
    /// <param name="indented">Whether to indent the JSON.</param>
    /// <param name="cancellationToken">Cancels the budget store reads (each bounded at 1 s).</param>
    /// <returns>The JSON text (snake_case names, durations in milliseconds, amounts in US dollars).</returns>
    public async Task<string> GetSnapshotJsonAsync(bool adminActions = false, bool indented = false, CancellationToken cancellationToken = default)
    {
        var budgets = await _client.GetBudgetStatusAsync(cancellationToken).ConfigureAwait(false);
        var metrics = _client.GetMetrics();
        var status = _client.GetProviderStatus();
        var today = _client.GetCostReport(CostPeriod.Today);
        var sinceStart = _client.GetCostReport(CostPeriod.SinceStart);
        IReadOnlyList<DashboardHistory.Point> history;
        IReadOnlyList<CircuitStateChange> timeline;
        lock (_gate)
        {
            history = _history.Record(metrics);
            timeline = [.. _timeline];
        }

        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            DashboardSnapshotWriter.Write(w, new DashboardSnapshotWriter.Input(metrics, status, today, sinceStart, history, timeline, adminActions, HistoryBucket, budgets));
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Stops recording the client's transitions.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _client.CircuitStateChanged -= OnCircuitStateChanged;
        }
    }

    private void OnCircuitStateChanged(object? sender, CircuitStateChange change)
    {
        lock (_gate)
        {
            _timeline.AddFirst(change);
            while (_timeline.Count > _capacity)
            {
                _timeline.RemoveLast();
            }
        }
    }
}
