namespace FlexiAI.Dashboard.Tests;

public sealed class HistoryTests
{
    private static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static MetricsSnapshot Snapshot(DateTimeOffset at, long requests, long failures, DateTimeOffset? since = null) => new()
    {
        CapturedAt = at,
        Since = since ?? Start,
        Providers =
        [
            new ProviderMetrics
            {
                Name = "openai",
                Type = "openai",
                Model = "m",
                Requests = requests,
                Failures = failures,
                FailuresByCategory = failures == 0 ? new Dictionary<ErrorCategory, long>() : new Dictionary<ErrorCategory, long> { [ErrorCategory.Overloaded] = failures },
            },
        ],
    };

    private static List<long> Requests(IReadOnlyList<DashboardHistory.Point> points) =>
        [.. points.Select(p => p.Providers.TryGetValue("openai", out var d) ? d.Requests : 0)];

    [Fact]
    public void Each_bucket_holds_the_difference_from_the_previous_sample()
    {
        var history = new DashboardHistory(Bucket, 6);
        history.Record(Snapshot(Start.AddSeconds(1), 2, 0));
        history.Record(Snapshot(Start.AddSeconds(5), 3, 0));   // same bucket: the latest counters win
        history.Record(Snapshot(Start.AddSeconds(21), 7, 1));  // nobody looked in the bucket at 10 s
        var points = history.Record(Snapshot(Start.AddSeconds(31), 7, 1));

        Assert.Equal(6, points.Count);
        Assert.Equal(Start.AddSeconds(30), points[^1].At);
        Assert.Equal([0, 0, 3, 0, 4, 0], Requests(points));
        Assert.Equal(1, points[4].Providers["openai"].Failures);
        Assert.Equal(1, points[4].Providers["openai"].ByCategory[ErrorCategory.Overloaded]);
    }

    [Fact]
    public void Old_buckets_leave_the_window_and_a_first_look_long_after_start_shows_no_spike()
    {
        var history = new DashboardHistory(Bucket, 3);
        var late = Start.AddHours(1);
        Assert.Equal([0, 0, 0], Requests(history.Record(Snapshot(late, 500, 20))));
        Assert.Equal([0, 0, 5], Requests(history.Record(Snapshot(late.AddSeconds(10), 505, 20))));
        Assert.Equal([5, 0, 1], Requests(history.Record(Snapshot(late.AddSeconds(30), 506, 20))));
        Assert.Equal([0, 0, 0], Requests(history.Record(Snapshot(late.AddSeconds(70), 506, 20))));
    }

    [Fact]
    public void A_metrics_reset_starts_the_counts_again_from_zero()
    {
        var history = new DashboardHistory(Bucket, 4);
        history.Record(Snapshot(Start.AddSeconds(1), 10, 2));
        var reset = Start.AddSeconds(12);
        var points = history.Record(Snapshot(Start.AddSeconds(25), 3, 0, since: reset));
        Assert.Equal(3, points[^1].Providers["openai"].Requests);
        Assert.All(points, p => Assert.True(!p.Providers.TryGetValue("openai", out var d) || d.Requests >= 0));
    }
}
