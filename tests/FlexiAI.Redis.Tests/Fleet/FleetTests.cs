using System.Diagnostics;
using StackExchange.Redis;

namespace FlexiAI.Redis.Tests.Fleet;

/// <summary>
/// The fleet, proven with real OS processes (FlexiAI.Redis.FleetHost) sharing one real redis-server that the tests start, stop and
/// restart. Sequential (one collection): timing tests must not share the two cores with each other.
/// </summary>
[Collection(nameof(FleetTests))]
public sealed class FleetTests(FleetHosts fleet)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static void Log(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);

    [Fact]
    public async Task Three_processes_racing_300_callers_each_send_exactly_one_half_open_probe()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var store = new RedisCircuitStateStore(redis, "race");

        // An open breaker whose recovery timeout has passed: the next caller anywhere in the fleet is its probe.
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.True(await store.TryReplaceAsync("primary", CircuitStateEntry.Initial,
            new CircuitStateEntry(CircuitState.Open, 5, past.AddMinutes(-1), past, null, ErrorCategory.ServerError, 1), Token));

        var watch = Stopwatch.StartNew();
        var hosts = fleet.All;
        await Task.WhenAll(hosts.Select(h => h.BeginAsync("probe-race", server.ConnectionString, "race")));
        Log($"ready {watch.ElapsedMilliseconds}");
        try
        {
            await Task.WhenAll(hosts.Select(h => h.SendAsync("GO")));
            var settled = await Task.WhenAll(hosts.Select(h => h.WaitForAsync("SETTLED")));
            Log($"settled {watch.ElapsedMilliseconds}");
            var probes = settled.Sum(line => int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(probes == 1, $"900 callers in 3 processes sent {probes} probes (per process: {string.Join(", ", settled)})");

            await Task.WhenAll(hosts.Select(h => h.SendAsync("RELEASE")));
            await Task.WhenAll(hosts.Select(h => h.WaitForAsync("DONE")));
            Log($"done {watch.ElapsedMilliseconds}");
            Assert.Equal(CircuitState.Closed, (await store.GetAsync("primary", Token)).State);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.EndAsync()));
        }
    }

    [Fact]
    public async Task A_trip_in_one_process_reaches_another_within_100_ms_at_p99_over_100_trips()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var store = new RedisCircuitStateStore(redis, "trip");
        var follower = fleet[0];
        await follower.BeginAsync("follow", server.ConnectionString, "trip");
        try
        {
            await follower.WaitForAsync("CLOSED");

            var latencies = new List<double>();
            for (var i = 0; i < 100; i++)
            {
                var entry = await store.GetAsync("primary", Token);
                var now = DateTimeOffset.UtcNow;
                var open = new CircuitStateEntry(CircuitState.Open, 5, now, now.AddMinutes(10), null, ErrorCategory.ServerError, entry.Version + 1);
                var watch = Stopwatch.StartNew();
                Assert.True(await store.TryReplaceAsync("primary", entry, open, Token));
                await follower.WaitForAsync("SKIP");
                latencies.Add(watch.Elapsed.TotalMilliseconds);

                Assert.True(await store.TryReplaceAsync("primary", open, CircuitStateEntry.Initial with { Version = open.Version + 1 }, Token));
                await follower.WaitForAsync("CLOSED");
            }

            latencies.Sort();
            var p50 = latencies[49];
            var p99 = latencies[98];
            TestContext.Current.TestOutputHelper?.WriteLine($"trip propagation over 100 trips: p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {latencies[99]:0.0} ms");
            Assert.True(p99 <= 100, $"trip propagation p99 was {p99:0.0} ms (p50 {p50:0.0} ms); the target is 100 ms");
        }
        finally
        {
            await follower.EndAsync();
        }
    }

    [Fact]
    public async Task Requests_keep_succeeding_while_Redis_is_down_with_one_warning_and_the_open_breaker_survives_a_restart()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var store = new RedisCircuitStateStore(redis, "kill");
        var host = fleet[0];
        await host.BeginAsync("steady", server.ConnectionString, "kill");
        try
        {
            await host.StatsWhenAsync(s => s["last"] == "primary", "the first answers");

            // A peer opens the primary; the host moves to the backup.
            var now = DateTimeOffset.UtcNow;
            var open = new CircuitStateEntry(CircuitState.Open, 5, now, now.AddMinutes(10), null, ErrorCategory.ServerError, 1);
            Assert.True(await store.TryReplaceAsync("primary", CircuitStateEntry.Initial, open, Token));
            await host.StatsWhenAsync(s => s["last"] == "backup", "the host to skip the primary opened by a peer");

            // Redis dies: requests keep succeeding on the local state; one warning.
            await server.StopAsync();
            var down = await host.StatsWhenAsync(s => s["unavailable"] == "1", "the outage warning");
            var okAtOutage = long.Parse(down["ok"], System.Globalization.CultureInfo.InvariantCulture);
            await host.StatsWhenAsync(s => long.Parse(s["ok"], System.Globalization.CultureInfo.InvariantCulture) > okAtOutage + 50, "requests during the outage");

            // Redis comes back empty: the host writes back the newest entry it knows (the open breaker), never a stale closed one.
            await server.RestartAsync(Token);
            await host.StatsWhenAsync(s => s["recovered"] == "1", "the recovery");
            CircuitStateEntry stored = CircuitStateEntry.Initial;
            var until = DateTime.UtcNow.AddSeconds(15);
            while (stored.Version == 0 && DateTime.UtcNow < until)
            {
                try
                {
                    stored = await store.GetAsync("primary", Token);
                }
                catch (RedisException)
                {
                    // The test's own connection is still reconnecting.
                }

                await Task.Delay(25, Token);
            }

            Assert.Equal(CircuitState.Open, stored.State);
            Assert.Equal(1, stored.Version);

            // Pushes work again: a peer's reset reaches the host.
            Assert.True(await store.TryReplaceAsync("primary", stored, CircuitStateEntry.Initial with { Version = 2 }, Token));
            var final = await host.StatsWhenAsync(s => s["last"] == "primary", "the host to follow a reset after the restart");
            Assert.Equal("0", final["failed"]);
            Assert.Equal("1", final["unavailable"]);
        }
        finally
        {
            await host.EndAsync();
        }
    }

    [Fact]
    public async Task A_rate_limit_holds_across_three_processes()
    {
        const int Limit = 300;
        await using var server = await RedisServer.StartAsync(Token);
        var hosts = fleet.All;
        await Task.WhenAll(hosts.Select(h => h.BeginAsync("ratelimit", server.ConnectionString, "rl", Limit)));
        try
        {
            await Task.WhenAll(hosts.Select(h => h.SendAsync("GO")));
            var calls = await Task.WhenAll(hosts.Select(h => h.WaitForAsync("CALLS", TimeSpan.FromSeconds(30))));
            var total = calls.Sum(line => int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(total <= Limit * 1.01, $"3 processes sent {total} requests to a provider limited to {Limit} per minute ({string.Join(", ", calls)})");
            Assert.True(total >= Limit * 0.9, $"3 processes sent only {total} of the {Limit} requests the limit allows ({string.Join(", ", calls)})");
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.EndAsync()));
        }
    }

    [Fact]
    public async Task A_budget_holds_across_three_processes()
    {
        // $0.0075 a day; each request costs $0.00075 (gpt-4o-mini, 1000 tokens in and out): ten requests for the whole fleet,
        // where three per-process budgets would allow thirty.
        await using var server = await RedisServer.StartAsync(Token);
        var hosts = fleet.All;
        await Task.WhenAll(hosts.Select(h => h.BeginAsync("budget", server.ConnectionString, "budget", 75)));
        try
        {
            await Task.WhenAll(hosts.Select(h => h.SendAsync("GO")));
            var calls = await Task.WhenAll(hosts.Select(h => h.WaitForAsync("CALLS", TimeSpan.FromSeconds(40))));
            var total = calls.Sum(line => int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));

            // Admission uses the estimate before the spend is recorded: at most one request in flight per process can overshoot.
            Assert.InRange(total, 10, 12);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.EndAsync()));
        }
    }
}
