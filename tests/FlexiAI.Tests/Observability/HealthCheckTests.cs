using FlexiAI.Hosting;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Observability;

/// <summary>The health check's state in each breaker situation.</summary>
public sealed class HealthCheckTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static FlexiAIClient Client(FakeTimeProvider time, params FakeChatClient[] providers)
    {
        var options = TestClients.Options(providers);
        options.CircuitBreaker.FailureThreshold = 1;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
        return TestClients.Create(options, time);
    }

    private static Task<HealthCheckResult> CheckAsync(FlexiAIClient client, HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        new FlexiAIHealthCheck(client).CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("flexiai", _ => null!, failureStatus, null) }, Token);

    [Fact]
    public async Task Healthy_when_the_primary_is_closed_and_answering()
    {
        using var client = Client(new FakeTimeProvider(TestClients.Start), FakeChatClient.Answering("a"), FakeChatClient.Answering("b"));

        var fresh = await CheckAsync(client);
        await client.Ask(Token);
        var result = await CheckAsync(client);

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("closed", result.Data["a"]);
        Assert.Equal("closed", result.Data["b"]);
        Assert.Equal("a", result.Data["primary"]);
        Assert.Equal("a", result.Data["last_used"]);
    }

    [Fact]
    public async Task Degraded_when_a_fallback_serves_because_the_primary_is_open()
    {
        using var client = Client(new FakeTimeProvider(TestClients.Start), FakeChatClient.Failing("a", 503), FakeChatClient.Answering("b"));

        await client.Ask(Token); // a fails (breaker opens at 1), b answers

        var result = await CheckAsync(client);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("open", result.Data["a"]);
        Assert.Equal("closed", result.Data["b"]);
        Assert.Contains("fallback", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Degraded_when_a_fallback_answered_although_the_primary_breaker_is_still_closed()
    {
        var options = TestClients.Options(FakeChatClient.Failing("a", 503), FakeChatClient.Answering("b"));
        options.CircuitBreaker.FailureThreshold = 5;
        using var client = TestClients.Create(options);

        await client.Ask(Token);

        var result = await CheckAsync(client);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("closed", result.Data["a"]);
        Assert.Equal("b", result.Data["last_used"]);
    }

    [Fact]
    public async Task Degraded_when_a_breaker_is_half_open()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var primary = new FakeChatClient("a").ThenAnswer().ThenHang();
        using var client = Client(time, primary, FakeChatClient.Answering("b"));
        await client.Ask(Token); // a answers once; its next call hangs
        await client.TripCircuitBreakerAsync("a", Token);
        time.Advance(TimeSpan.FromSeconds(31));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var hanging = client.Ask(cts.Token); // a's probe hangs: a stays half-open while it runs
        await TestClients.Until(() => client.GetProviderStatus().Single(s => s.Name == "a").State == CircuitState.HalfOpen);

        var result = await CheckAsync(client);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("half_open", result.Data["a"]);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
    }

    [Fact]
    public async Task Unhealthy_with_the_registrations_failure_status_when_every_breaker_is_open()
    {
        using var client = Client(new FakeTimeProvider(TestClients.Start), FakeChatClient.Answering("a"), FakeChatClient.Answering("b"));
        await client.TripCircuitBreakerAsync("a", Token);
        await client.TripCircuitBreakerAsync("b", Token);

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(client)).Status);
        var custom = await CheckAsync(client, HealthStatus.Degraded);
        Assert.Equal(HealthStatus.Degraded, custom.Status);
        Assert.Equal("open", custom.Data["a"]);
        Assert.Equal("open", custom.Data["b"]);
    }

    [Fact]
    public async Task AddFlexiAI_registers_a_check_of_the_registered_client()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Client(new FakeTimeProvider(TestClients.Start), FakeChatClient.Answering("a")));
        services.AddHealthChecks().AddFlexiAI(tags: ["ready"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token);

        var entry = Assert.Single(report.Entries);
        Assert.Equal("flexiai", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("ready", entry.Value.Tags);
    }
}
