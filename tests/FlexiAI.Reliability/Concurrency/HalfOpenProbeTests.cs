using FlexiAI.Emulator;
using FlexiAI.Reliability.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Reliability.Concurrency;

/// <summary>
/// A half-open breaker lets exactly one probe through, however many callers arrive at once — proven on the wire (the
/// emulator's journal). Moved here from FlexiAI.Tests (ConcurrencyInvariantTests, which used fake clients) and made to go
/// through real HTTP.
/// </summary>
public sealed class HalfOpenProbeTests
{
    [Fact]
    public async Task Thousand_callers_against_a_half_open_breaker_send_exactly_one_probe_and_all_are_answered()
    {
        var clientTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var emulatorTime = new FakeTimeProvider(clientTime.GetUtcNow());
        await using var host = await Emulated.StartAsync([("a", "openai"), ("b", "anthropic")], time: emulatorTime);
        var options = Emulated.FastOptions();
        options.Retry.MaxAttempts = 1;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
        options.Providers.Add(Emulated.Provider(host, "a", "openai", 1));
        options.Providers.Add(Emulated.Provider(host, "b", "anthropic", 2));
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = clientTime, EnvironmentVariables = _ => null });
        await client.TripCircuitBreakerAsync("a");
        clientTime.Advance(TimeSpan.FromSeconds(30));

        // The probe's answer is held on the emulator's clock until every other caller has been answered by b.
        host["a"].Faults.FailNext(1, Fault.Delay(TimeSpan.FromMinutes(1)));
        var calls = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                var response = await client.GetResponseAsync($"caller {i}");
                return (Text: response.Text, Route: response.GetRoute(), Prompt: $"caller {i}");
            }

            var (text, route) = await Emulated.ReadStreamAsync(client, $"caller {i}");
            return (Text: text, Route: route!, Prompt: $"caller {i}");
        })).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!(host["a"].Journal.Count == 1 && calls.Count(c => c.IsCompleted) == 999) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, host["a"].Journal.Count);
        Assert.Equal(999, host["b"].Journal.Count);
        emulatorTime.Advance(TimeSpan.FromMinutes(1));
        var results = await Task.WhenAll(calls);
        SuiteSummary.AddRequests(results.Length);

        Assert.Equal(1, host["a"].Journal.Count);
        Assert.Equal(999, host["b"].Journal.Count);
        var probe = Assert.Single(results, r => r.Route.Provider == "a");
        Assert.Equal(Emulated.Reply("a", probe.Prompt), probe.Text);
        Assert.All(results.Where(r => r.Route.Provider == "b"), r =>
        {
            Assert.Equal(AttemptOutcome.SkippedCircuitOpen, r.Route.Attempts[0].Outcome);
            Assert.Equal(Emulated.Reply("b", r.Prompt), r.Text);
        });
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(s => s.Name == "a").State);
    }
}
