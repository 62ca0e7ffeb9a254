using StackExchange.Redis;

namespace FlexiAI.Redis.Tests.Stores;

/// <summary>The Redis stores against a real redis-server, each over its own connection (as two instances would be).</summary>
public sealed class RedisStoreTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static CircuitStateEntry Open(long version) =>
        new(CircuitState.Open, 5, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1), null, ErrorCategory.ServerError, version);

    [Fact]
    public async Task A_stale_writer_cannot_close_an_open_breaker()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var b = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var stale = new RedisCircuitStateStore(a, "app");
        using var peer = new RedisCircuitStateStore(b, "app");

        var seen = await stale.GetAsync("openai", Token);
        Assert.True(await peer.TryReplaceAsync("openai", seen, Open(seen.Version + 1), Token));

        // The stale writer still believes the entry it read: its "close" loses the compare-and-swap.
        Assert.False(await stale.TryReplaceAsync("openai", seen, CircuitStateEntry.Initial with { Version = seen.Version + 1 }, Token));
        Assert.Equal(CircuitState.Open, (await peer.GetAsync("openai", Token)).State);
    }

    [Fact]
    public async Task A_change_is_pushed_to_a_breaker_on_another_connection()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var b = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var writer = new RedisCircuitStateStore(a, "app");
        using var reader = new RedisCircuitStateStore(b, "app");
        var received = new TaskCompletionSource<CircuitStateEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = reader.Subscribe("openai", e =>
        {
            if (e.Version > 0)
            {
                received.TrySetResult(e);
            }
        });
        await WaitSubscribedAsync(b, "app:circuit");

        Assert.True(await writer.TryReplaceAsync("openai", CircuitStateEntry.Initial, Open(1), Token));
        var entry = await received.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(CircuitState.Open, entry.State);
        Assert.Equal(1, entry.Version);
    }

    [Fact]
    public async Task Key_prefixes_isolate_two_applications_sharing_one_redis()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var b = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var orders = new RedisCircuitStateStore(a, "orders");
        using var billing = new RedisCircuitStateStore(b, "billing");
        var billingSaw = new List<CircuitStateEntry>();
        using var subscription = billing.Subscribe("openai", e =>
        {
            lock (billingSaw)
            {
                billingSaw.Add(e);
            }
        });
        await WaitSubscribedAsync(b, "billing:circuit");

        Assert.True(await orders.TryReplaceAsync("openai", CircuitStateEntry.Initial, Open(1), Token));
        Assert.Equal(CircuitStateEntry.Initial, await billing.GetAsync("openai", Token));

        // billing's own change arrives; orders' never did (pushes are in order on one connection, so it would have come first).
        Assert.True(await billing.TryReplaceAsync("openai", CircuitStateEntry.Initial, Open(1) with { ConsecutiveFailures = 9 }, Token));
        lock (billingSaw)
        {
            Assert.All(billingSaw.Where(e => e.Version > 0), e => Assert.Equal(9, e.ConsecutiveFailures));
        }

        Assert.Equal(5, (await orders.GetAsync("openai", Token)).ConsecutiveFailures);
        Assert.True(await a.GetDatabase().KeyExistsAsync("orders:circuit:openai"));
        Assert.True(await a.GetDatabase().KeyExistsAsync("billing:circuit:openai"));
    }

    [Fact]
    public async Task A_refresh_writes_back_the_newest_entry_when_redis_lost_it_and_never_an_older_one()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var store = new RedisCircuitStateStore(a, "app");
        using var subscription = store.Subscribe("openai", _ => { });
        Assert.True(await store.TryReplaceAsync("openai", CircuitStateEntry.Initial, Open(1), Token));

        // Redis loses the entry (a restart without persistence): the refresh restores the open breaker, version and all.
        await a.GetDatabase().KeyDeleteAsync("app:circuit:openai");
        await store.RefreshAsync();
        var restored = await store.GetAsync("openai", Token);
        Assert.Equal(CircuitState.Open, restored.State);
        Assert.Equal(1, restored.Version);

        // A newer entry in Redis (a peer closed it since) is never overwritten by the older one this store remembers.
        Assert.True(await store.TryReplaceAsync("openai", restored, CircuitStateEntry.Initial with { Version = 2 }, Token));
        await store.RefreshAsync();
        Assert.Equal(CircuitState.Closed, (await store.GetAsync("openai", Token)).State);
    }

    [Fact]
    public async Task The_budget_store_adds_atomically_across_connections_and_expires_with_its_period()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var b = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var one = new RedisBudgetStore(a, "app");
        var two = new RedisBudgetStore(b, "app");
        var ends = DateTimeOffset.UtcNow.AddHours(1);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? one : two).AddAsync("flexiai:budget:global:day:x", 7, ends, Token).AsTask()));

        Assert.Equal(1400, await one.GetAsync("flexiai:budget:global:day:x", Token));
        Assert.Equal(0, await one.GetAsync("flexiai:budget:global:day:other", Token));
        var ttl = await a.GetDatabase().KeyTimeToLiveAsync("app:flexiai:budget:global:day:x");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task The_rate_limit_store_admits_exactly_the_limit_across_connections_and_says_when_room_returns()
    {
        await using var server = await RedisServer.StartAsync(Token);
        using var a = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var b = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var one = new RedisRateLimitStore(a, "app");
        var two = new RedisRateLimitStore(b, "app");
        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? one : two).TryAcquireAsync("openai:requests", 1, 40, Token).AsTask()));

        Assert.Equal(40, decisions.Count(d => d.Acquired));
        var refused = decisions.First(d => !d.Acquired);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(61));

        // Weighted permits (tokens): 1000 of 1500 taken, 600 more do not fit, 500 do.
        Assert.True((await one.TryAcquireAsync("openai:tokens", 1000, 1500, Token)).Acquired);
        Assert.False((await two.TryAcquireAsync("openai:tokens", 600, 1500, Token)).Acquired);
        Assert.True((await two.TryAcquireAsync("openai:tokens", 500, 1500, Token)).Acquired);
    }

    private static async Task WaitSubscribedAsync(ConnectionMultiplexer connection, string channel)
    {
        // The store subscribes in the background; wait (bounded) until Redis counts the subscriber.
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(channel)) == 0)
        {
            Assert.True(DateTime.UtcNow < until, $"no subscriber on {channel} within 10 s");
            await Task.Delay(10, Token);
        }
    }
}
