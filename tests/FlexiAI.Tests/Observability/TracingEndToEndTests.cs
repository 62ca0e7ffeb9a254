using System.Diagnostics;
using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Observability;

/// <summary>Spans against the emulator: one request span with a child per attempt, the HTTP spans under the attempts, bounded attributes.</summary>
public sealed class TracingEndToEndTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private const string Prompt = "What is the secret plan for Tuesday?";
    private static readonly ActivitySource Caller = new("FlexiAI.Tests.Caller");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failover_is_one_request_span_with_an_attempt_span_per_provider_and_http_spans_below_them()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai", "anthropic"));
        using var spans = new SpanCollector(client.Instruments.Source, withHttp: true);
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "FlexiAI.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);
        fixture.Host["openai"].Faults.FailNext(1, 503);

        ActivityTraceId traceId;
        ActivitySpanId callerSpan;
        using (var caller = Caller.StartActivity("caller")!)
        {
            traceId = caller.TraceId;
            callerSpan = caller.SpanId;
            await client.GetResponseAsync(Prompt, cancellationToken: Token);
        }

        var ours = spans.Stopped.Where(a => a.TraceId == traceId).ToList();
        var request = Assert.Single(ours, a => a.Source.Name == "FlexiAI" && a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal("chat gpt-5.4-mini", request.DisplayName);
        Assert.Equal(callerSpan, request.ParentSpanId);
        Assert.Equal(ActivityKind.Client, request.Kind);
        Assert.Equal("success", request.GetTagItem("flexiai.outcome"));
        Assert.Equal("anthropic", request.GetTagItem("flexiai.provider"));
        Assert.Equal("anthropic", request.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(2, request.GetTagItem("flexiai.attempts"));
        Assert.Equal(true, request.GetTagItem("flexiai.failed_over"));
        Assert.True((long)request.GetTagItem("gen_ai.usage.output_tokens")! > 0);
        var failover = Assert.Single(request.Events);
        Assert.Equal("flexiai.failover", failover.Name);
        Assert.Contains(failover.Tags, t => t.Key == "flexiai.from" && (string?)t.Value == "openai");
        Assert.Contains(failover.Tags, t => t.Key == "error.type" && (string?)t.Value == "Overloaded");

        var attempts = ours.Where(a => a.Source.Name == "FlexiAI" && a.ParentSpanId == request.SpanId).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(["attempt openai", "attempt anthropic"], attempts.Select(a => a.DisplayName));
        Assert.Equal("failure", attempts[0].GetTagItem("flexiai.outcome"));
        Assert.Equal("Overloaded", attempts[0].GetTagItem("error.type"));
        Assert.Equal(503, attempts[0].GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal("success", attempts[1].GetTagItem("flexiai.outcome"));
        Assert.Equal("claude-sonnet-5-5", attempts[1].GetTagItem("gen_ai.request.model"));
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);

        // The SDKs' HTTP calls nest under the attempt that made them.
        var http = ours.Where(a => a.Source.Name == "System.Net.Http").ToList();
        Assert.Equal(2, http.Count);
        Assert.All(http, h => Assert.Contains(attempts, a => a.SpanId == h.ParentSpanId));
        Assert.Equal(attempts.Select(a => a.SpanId).ToHashSet(), http.Select(h => h.ParentSpanId).ToHashSet());

        // No attribute or event carries the prompt, the reply or the key.
        foreach (var span in ours.Where(a => a.Source.Name == "FlexiAI"))
        {
            var values = span.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty)
                .Concat(span.Events.SelectMany(e => e.Tags).Select(t => t.Value?.ToString() ?? string.Empty))
                .Append(span.DisplayName).Append(span.StatusDescription ?? string.Empty);
            Assert.All(values, v =>
            {
                Assert.DoesNotContain("secret plan", v, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(EmulatedProvidersFixture.Key, v, StringComparison.Ordinal);
                Assert.DoesNotContain("Hello from", v, StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public async Task Skips_retries_and_failures_show_on_the_request_span()
    {
        var options = fixture.Options("openai", "anthropic");
        options.Retry.MaxAttempts = 2;
        using var client = EmulatedProvidersFixture.Client(options);
        using var spans = new SpanCollector(client.Instruments.Source);
        await client.TripCircuitBreakerAsync("openai", Token);
        fixture.Host["anthropic"].Faults.FailAlways(Fault.Status(500));

        await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync(Prompt, cancellationToken: Token));

        var request = Assert.Single(spans.Stopped, a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal(ActivityStatusCode.Error, request.Status);
        Assert.Equal("failure", request.GetTagItem("flexiai.outcome"));
        Assert.Equal(nameof(AllProvidersFailedException), request.GetTagItem("error.type"));
        Assert.Equal(1, request.GetTagItem("flexiai.retries"));
        Assert.Equal(["flexiai.provider_skipped", "flexiai.retry"], request.Events.Select(e => e.Name));
        Assert.Contains(request.Events.First().Tags, t => t.Key == "flexiai.skip.reason" && (string?)t.Value == "circuit_open");
        var attempts = spans.Stopped.Where(a => a.ParentSpanId == request.SpanId).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("ServerError", a.GetTagItem("error.type")));
        Assert.Equal([1, 2], attempts.Select(a => (int)a.GetTagItem("flexiai.attempt")!).Order());
    }

    [Fact]
    public async Task A_stream_is_one_request_span_ending_when_the_stream_ends()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai"));
        using var spans = new SpanCollector(client.Instruments.Source);

        var first = true;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt, cancellationToken: Token))
        {
            if (first)
            {
                Assert.Empty(spans.Stopped); // nothing ends while the stream runs
                first = false;
            }
        }

        var request = Assert.Single(spans.Stopped, a => a.DisplayName == "chat gpt-5.4-mini");
        Assert.Equal(true, request.GetTagItem("flexiai.streaming"));
        var attempt = Assert.Single(spans.Stopped, a => a.ParentSpanId == request.SpanId);
        Assert.Equal("success", attempt.GetTagItem("flexiai.outcome"));
    }

    [Fact]
    public async Task Nobody_listening_means_no_span_and_no_ambient_activity_change()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai"));
        Assert.False(client.Instruments.Source.HasListeners());

        var before = Activity.Current;
        await client.GetResponseAsync(Prompt, cancellationToken: Token);

        Assert.Same(before, Activity.Current);
    }
}
