using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Observability;

/// <summary>
/// The scripted scenario (primary fails twice, its breaker opens, it is skipped, it recovers and the probe closes the breaker)
/// against the emulator over real HTTP: every instrument and the snapshot agree exactly with what the emulator received.
/// </summary>
public sealed class MetricsEndToEndTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private (FlexiAIClient Client, FakeTimeProvider Time) Scenario()
    {
        var options = fixture.Options("openai", "anthropic");
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (EmulatedProvidersFixture.Client(options, time), time);
    }

    private async Task RunScenarioAsync(FlexiAIClient client, FakeTimeProvider time)
    {
        await client.GetResponseAsync("one", cancellationToken: Token);              // openai answers
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));
        await client.GetResponseAsync("two", cancellationToken: Token);              // openai 503 -> anthropic
        await client.GetResponseAsync("three", cancellationToken: Token);            // openai 503 (breaker opens) -> anthropic
        await client.GetResponseAsync("four", cancellationToken: Token);             // openai skipped -> anthropic
        fixture.Host["openai"].Faults.Clear();
        time.Advance(TimeSpan.FromSeconds(31));
        await client.GetResponseAsync("five", cancellationToken: Token);             // half-open probe on openai succeeds, breaker closes
    }

    [Fact]
    public async Task The_cost_counter_adds_what_each_answered_request_cost_by_provider_and_model()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai", "anthropic"));
        using var metrics = new MeterCollector(client.Instruments.Meter);

        var first = await client.GetResponseAsync("hello", cancellationToken: Token);
        var second = await client.GetResponseAsync("hello again", cancellationToken: Token);

        var expected = (double)(first.GetRoute().Cost!.Total + second.GetRoute().Cost!.Total);
        Assert.True(expected > 0);
        Assert.Equal(expected, metrics.Sum("flexiai.cost", ("flexiai.provider", "openai"), ("gen_ai.request.model", first.GetRoute().Model!)), 9);
        Assert.Equal(2, metrics.Count("flexiai.cost"));
    }

    [Fact]
    public async Task Every_instrument_matches_the_emulator_journal_exactly()
    {
        var (client, time) = Scenario();
        using var _ = client;
        using var metrics = new MeterCollector(client.Instruments.Meter);

        await RunScenarioAsync(client, time);

        var openaiCalls = fixture.Host["openai"].Journal.Count;
        var anthropicCalls = fixture.Host["anthropic"].Journal.Count;
        Assert.Equal(4, openaiCalls);
        Assert.Equal(3, anthropicCalls);

        Assert.Equal(openaiCalls, metrics.Sum("flexiai.attempts", ("flexiai.provider", "openai")));
        Assert.Equal(anthropicCalls, metrics.Sum("flexiai.attempts", ("flexiai.provider", "anthropic")));
        Assert.Equal(2, metrics.Sum("flexiai.attempts", ("flexiai.provider", "openai"), ("flexiai.outcome", "success")));
        Assert.Equal(2, metrics.Sum("flexiai.attempts", ("flexiai.provider", "openai"), ("flexiai.outcome", "failure"), ("error.type", "Overloaded")));
        Assert.Equal(3, metrics.Sum("flexiai.attempts", ("flexiai.provider", "anthropic"), ("flexiai.outcome", "success")));
        Assert.Equal(openaiCalls + anthropicCalls, metrics.Count("flexiai.attempt.duration"));

        Assert.Equal(5, metrics.Sum("flexiai.requests", ("flexiai.outcome", "success")));
        Assert.Equal(5, metrics.Sum("flexiai.requests"));
        Assert.Equal(2, metrics.Sum("flexiai.requests", ("flexiai.provider", "openai")));
        Assert.Equal(5, metrics.Count("gen_ai.client.operation.duration", ("gen_ai.operation.name", "chat")));
        Assert.Equal(3, metrics.Count("gen_ai.client.operation.duration", ("gen_ai.provider.name", "anthropic"), ("gen_ai.request.model", "claude-sonnet-5-5")));

        Assert.Equal(2, metrics.Sum("flexiai.failovers", ("flexiai.from", "openai"), ("flexiai.to", "anthropic")));
        Assert.Equal(2, metrics.Sum("flexiai.failovers"));
        Assert.Equal(1, metrics.Sum("flexiai.skips", ("flexiai.provider", "openai"), ("flexiai.skip.reason", "circuit_open")));
        Assert.Equal(0, metrics.Sum("flexiai.retries"));

        Assert.Equal(1, metrics.Sum("flexiai.circuit.transitions", ("flexiai.provider", "openai"), ("flexiai.circuit.from", "closed"), ("flexiai.circuit.to", "open")));
        Assert.Equal(1, metrics.Sum("flexiai.circuit.transitions", ("flexiai.provider", "openai"), ("flexiai.circuit.from", "open"), ("flexiai.circuit.to", "half_open")));
        Assert.Equal(1, metrics.Sum("flexiai.circuit.transitions", ("flexiai.provider", "openai"), ("flexiai.circuit.from", "half_open"), ("flexiai.circuit.to", "closed")));
        Assert.Equal(3, metrics.Sum("flexiai.circuit.transitions"));

        // Tokens: one input and one output measurement per answered request, summing to what the responses reported.
        Assert.Equal(5, metrics.Count("gen_ai.client.token.usage", ("gen_ai.token.type", "input")));
        Assert.Equal(5, metrics.Count("gen_ai.client.token.usage", ("gen_ai.token.type", "output")));
        var snapshot = client.GetMetrics();
        Assert.Equal(snapshot.InputTokens, metrics.Sum("gen_ai.client.token.usage", ("gen_ai.token.type", "input")));
        Assert.Equal(snapshot.OutputTokens, metrics.Sum("gen_ai.client.token.usage", ("gen_ai.token.type", "output")));
        Assert.True(snapshot.InputTokens > 0 && snapshot.OutputTokens > 0);

        // The circuit-state gauge, observed now: both closed.
        metrics.RecordObservables();
        Assert.Equal(0, metrics.Of("flexiai.circuit.state").Last(r => r.Tag("flexiai.provider") == "openai").Value);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));
        await client.GetResponseAsync("six", cancellationToken: Token);
        await client.GetResponseAsync("seven", cancellationToken: Token);
        metrics.RecordObservables();
        Assert.Equal(2, metrics.Of("flexiai.circuit.state").Last(r => r.Tag("flexiai.provider") == "openai").Value);
    }

    [Fact]
    public async Task The_snapshot_matches_the_emulator_journal_exactly()
    {
        var (client, time) = Scenario();
        using var _ = client;

        await RunScenarioAsync(client, time);
        var snapshot = client.GetMetrics();

        Assert.Equal(5, snapshot.Requests);
        Assert.Equal(5, snapshot.Succeeded);
        Assert.Equal(0, snapshot.Failed);
        Assert.Equal(2, snapshot.Failovers);
        Assert.Equal(["openai", "anthropic"], snapshot.Providers.Select(p => p.Name));
        var openai = snapshot.Providers[0];
        Assert.Equal(fixture.Host["openai"].Journal.Count, openai.Requests);
        Assert.Equal(2, openai.Successes);
        Assert.Equal(2, openai.Failures);
        Assert.Equal(2, openai.FailuresByCategory[ErrorCategory.Overloaded]);
        Assert.Single(openai.FailuresByCategory);
        Assert.Equal(1, openai.Skips);
        Assert.Equal(1, openai.BreakerTrips);
        Assert.Equal(CircuitState.Closed, openai.CircuitState);
        Assert.Equal(0.5, openai.SuccessRate);
        Assert.Equal(ErrorCategory.Overloaded, openai.LastError!.Category);
        Assert.Equal(503, openai.LastError.StatusCode);
        var anthropic = snapshot.Providers[1];
        Assert.Equal(fixture.Host["anthropic"].Journal.Count, anthropic.Requests);
        Assert.Equal(3, anthropic.Successes);
        Assert.Equal(1.0, anthropic.SuccessRate);
        Assert.Null(anthropic.LastError);
        Assert.Equal(snapshot.InputTokens, openai.InputTokens + anthropic.InputTokens);

        var json = System.Text.Json.Nodes.JsonNode.Parse(snapshot.ToJson())!;
        Assert.Equal(5, json["totals"]!["requests"]!.GetValue<long>());
        Assert.Equal(2, json["providers"]![0]!["failures_by_category"]!["Overloaded"]!.GetValue<long>());
        Assert.Equal("closed", json["providers"]![0]!["circuit_state"]!.GetValue<string>());
        Assert.Equal(503, json["providers"]![0]!["last_error"]!["status_code"]!.GetValue<int>());

        client.ResetMetrics();
        var reset = client.GetMetrics();
        Assert.Equal(0, reset.Requests);
        Assert.All(reset.Providers, p => Assert.Equal(0, p.Requests));
        Assert.Null(reset.Providers[0].LastError);
        Assert.Equal(time.GetUtcNow(), reset.Since);
    }

    [Fact]
    public async Task Failed_and_streamed_requests_are_counted_with_their_outcome()
    {
        var (client, _) = Scenario();
        using var __ = client;
        using var metrics = new MeterCollector(client.Instruments.Meter);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));
        fixture.Host["anthropic"].Faults.FailAlways(Fault.Status(401));

        await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("fails", cancellationToken: Token));
        fixture.Host["openai"].Faults.Clear();
        var text = string.Empty;
        await foreach (var update in client.GetStreamingResponseAsync("stream", cancellationToken: Token))
        {
            text += update.Text;
        }

        Assert.NotEmpty(text);
        Assert.Equal(1, metrics.Sum("flexiai.requests", ("flexiai.outcome", "failure"), ("error.type", nameof(AllProvidersFailedException))));
        Assert.Equal(1, metrics.Sum("flexiai.requests", ("flexiai.outcome", "success")));
        Assert.Equal(1, metrics.Sum("flexiai.attempts", ("flexiai.provider", "anthropic"), ("error.type", "Authentication")));
        Assert.Equal(1, metrics.Count("flexiai.time_to_first_token", ("flexiai.provider", "openai")));
        Assert.Equal(1, metrics.Count("gen_ai.client.operation.duration", ("error.type", nameof(AllProvidersFailedException))));
        var snapshot = client.GetMetrics();
        Assert.Equal(2, snapshot.Requests);
        Assert.Equal(1, snapshot.Failed);
        Assert.Equal(1, snapshot.Succeeded);
        Assert.Equal(1, snapshot.Providers[0].TimeToFirstToken!.Count);
        Assert.Equal(1, snapshot.Providers[1].FailuresByCategory[ErrorCategory.Authentication]);
    }
}
