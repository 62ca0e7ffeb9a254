using FlexiAI.Emulator;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>Streaming failover for every provider against the emulator: before the first token, after text, cut streams, error events, cancellation, Continue.</summary>
public sealed class StreamingEndToEndTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => new("openai", "vertexai", "anthropic");

    private static string Backup(string kind) => kind == "openai" ? "anthropic" : "openai";

    private static string Expected(string kind, string said) => $"Hello from {kind}. You said: \"{said}\". This is a deterministic reply from the FlexiAI emulator.";

    private FlexiAIOptions Options(string kind, MidStreamPolicy policy = MidStreamPolicy.Fail, bool shortLimits = true)
    {
        var options = fixture.Options(kind, Backup(kind));
        if (shortLimits)
        {
            // Short limits on the faulty provider only, for the stall tests: the backup keeps the defaults, so a slow CI
            // machine cannot fail it too. Tests about other faults keep the defaults, so a slow first token on a busy
            // machine cannot turn their fault into a silent failover.
            options.Providers[0].FirstTokenTimeout = TimeSpan.FromMilliseconds(500);
            options.Providers[0].IdleTimeout = TimeSpan.FromMilliseconds(500);
        }

        options.Streaming.MidStreamPolicy = policy;
        return options;
    }

    private static async Task<(string Text, RouteReport? Route)> ReadAsync(FlexiAIClient client, IEnumerable<ChatMessage> messages, System.Text.StringBuilder? received = null)
    {
        var text = received ?? new System.Text.StringBuilder();
        RouteReport? route = null;
        await foreach (var update in client.GetStreamingResponseAsync(messages, null, Token))
        {
            text.Append(update.Text);
            route = update.TryGetRoute() ?? route;
        }

        return (text.ToString(), route);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stall_before_the_first_token_fails_over_invisibly(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(Options(kind));
        fixture.Host[kind].Faults.FailNext(1, Fault.Stall());

        var (text, route) = await ReadAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal(Expected(Backup(kind), "Hi"), text);
        Assert.Equal((AttemptOutcome.Failed, ErrorCategory.Timeout), (route!.Attempts[0].Outcome, route.Attempts[0].Category!.Value));
        Assert.Equal(Backup(kind), route.Provider);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stream_cut_before_any_text_fails_over_invisibly(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(Options(kind, shortLimits: false));
        fixture.Host[kind].Faults.FailNext(1, Fault.Truncate(afterChunks: 0));

        var (text, route) = await ReadAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal(Expected(Backup(kind), "Hi"), text);
        Assert.Equal(AttemptOutcome.Failed, route!.Attempts[0].Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stall_after_text_fails_with_the_partial_text(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(Options(kind));
        fixture.Host[kind].Faults.FailNext(1, Fault.Stall(afterChunks: 3));
        var received = new System.Text.StringBuilder();

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => ReadAsync(client, [new(ChatRole.User, "Hi")], received));

        Assert.Equal($"Hello from {kind}. ", received.ToString());
        Assert.Equal(received.ToString(), error.PartialText);
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Equal(AttemptOutcome.Interrupted, error.Route!.Attempts[^1].Outcome);
        Assert.Equal(0, fixture.Host[Backup(kind)].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stream_cut_without_its_terminal_event_is_a_failure_never_a_success(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(Options(kind, shortLimits: false));
        fixture.Host[kind].Faults.FailNext(1, Fault.Truncate(afterChunks: 3));

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => ReadAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal($"Hello from {kind}. ", error.PartialText);
        Assert.Equal(ErrorCategory.Network, error.Category);
    }

    [Theory]
    [InlineData("anthropic", ErrorCategory.Overloaded)]
    [InlineData("vertexai", ErrorCategory.Overloaded)]
    [InlineData("openai", ErrorCategory.Network)]
    public async Task A_mid_stream_error_event_is_a_failure_with_its_category(string kind, ErrorCategory category)
    {
        // OpenAI's SDK drops a `data: {"error":…}` payload; FlexiAI still sees the missing terminal event (network).
        using var client = EmulatedProvidersFixture.Client(Options(kind, shortLimits: false));
        fixture.Host[kind].Faults.FailNext(1, Fault.StreamError(afterChunks: 2, statusCode: kind == "anthropic" ? 529 : 503));

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => ReadAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal("Hello from ", error.PartialText);
        Assert.Equal(category, error.Category);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Caller_cancellation_mid_stream_does_not_fail_over_or_count(string kind)
    {
        var options = Options(kind, shortLimits: false); // a 500 ms first-token limit fires on a loaded machine before the first chunk
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host[kind].Options.ChunkDelay = TimeSpan.FromMilliseconds(20);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync("Hi", null, cancel.Token))
                {
                    if (update.Text.Length > 0)
                    {
                        await cancel.CancelAsync();
                    }
                }
            });
        }
        finally
        {
            fixture.Host[kind].Options.ChunkDelay = TimeSpan.Zero;
        }

        var status = client.GetProviderStatus().Single(s => s.Name == kind);
        Assert.Equal((CircuitState.Closed, 0, (ErrorCategory?)null), (status.State, status.ConsecutiveFailures, status.LastErrorCategory));
        Assert.Equal(0, fixture.Host[Backup(kind)].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Continue_resumes_on_the_next_provider_without_gap_or_duplicate(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(Options(kind, MidStreamPolicy.Continue, shortLimits: false));
        fixture.Host[kind].Faults.FailNext(1, Fault.StreamError(afterChunks: 3, statusCode: 503));
        var prefix = $"Hello from {kind}. ";

        var (text, route) = await ReadAsync(client, [new(ChatRole.System, "You are the narrator."), new(ChatRole.User, "Tell a story")]);

        Assert.Equal(prefix + $"and this is where {Backup(kind)} continues the answer.", text);
        Assert.Equal(Backup(kind), route!.Provider);
        Assert.Equal(prefix.Length, route.Attempts[^1].ContinuedAt);
        var second = fixture.Host[Backup(kind)].Journal.Last!.Json()!.ToJsonString();
        Assert.Contains("You are the narrator.", second, StringComparison.Ordinal);
        Assert.Contains("Tell a story", second, StringComparison.Ordinal);
        Assert.Contains(prefix.TrimEnd(), second, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stream_failures_count_toward_the_breaker(string kind)
    {
        var options = Options(kind, shortLimits: false);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host[kind].Faults.FailNext(1, Fault.Status(503));

        var (text, _) = await ReadAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal(Expected(Backup(kind), "Hi"), text);
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(s => s.Name == kind).State);
    }
}
