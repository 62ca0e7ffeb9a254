namespace FlexiAI.Tests.CircuitBreaking;

public class InMemoryCircuitStateStoreTests
{
    [Fact]
    public async Task Get_UnknownKey_ReturnsInitial()
    {
        var store = new InMemoryCircuitStateStore();
        Assert.Same(CircuitStateEntry.Initial, await store.GetAsync("x", default));
    }

    [Fact]
    public async Task TryReplace_StaleExpectedVersion_Fails()
    {
        var store = new InMemoryCircuitStateStore();
        var first = CircuitStateEntry.Initial with { ConsecutiveFailures = 1, Version = 1 };
        Assert.True(await store.TryReplaceAsync("x", CircuitStateEntry.Initial, first, default));
        Assert.False(await store.TryReplaceAsync("x", CircuitStateEntry.Initial, first with { Version = 1 }, default));
        Assert.True(await store.TryReplaceAsync("x", first, first with { ConsecutiveFailures = 2, Version = 2 }, default));
        Assert.Equal(2, (await store.GetAsync("x", default)).ConsecutiveFailures);
    }

    [Fact]
    public async Task Subscribe_ReceivesEveryWriteForItsKey_UntilDisposed()
    {
        var store = new InMemoryCircuitStateStore();
        var seen = new List<CircuitStateEntry>();
        var other = new List<CircuitStateEntry>();
        var subscription = store.Subscribe("x", seen.Add);
        using var unrelated = store.Subscribe("y", other.Add);
        var first = CircuitStateEntry.Initial with { ConsecutiveFailures = 1, Version = 1 };

        Assert.True(await store.TryReplaceAsync("x", CircuitStateEntry.Initial, first, default));
        Assert.False(await store.TryReplaceAsync("x", CircuitStateEntry.Initial, first, default));
        subscription.Dispose();
        subscription.Dispose();
        Assert.True(await store.TryReplaceAsync("x", first, first with { Version = 2 }, default));

        Assert.Equal([first], seen);
        Assert.Empty(other);
    }
}
