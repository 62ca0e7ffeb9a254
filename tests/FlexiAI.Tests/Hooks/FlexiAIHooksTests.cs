using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Hooks;

public class FlexiAIHooksTests
{
    [Fact]
    public async Task Hooks_RunInRegistrationOrderWithContext()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        var log = new List<string>();
        var hooks = new FlexiAIHooks()
            .OnBeforeRequest((c, _) => { log.Add($"before1:{c.Provider}#{c.AttemptNumber}"); return ValueTask.CompletedTask; })
            .OnBeforeRequest(async (c, _) => { await Task.Yield(); log.Add($"before2:{c.Provider}"); })
            .OnError((c, _) => { log.Add($"error:{c.Provider}:{((ProviderException)c.Exception!).Category}"); return ValueTask.CompletedTask; })
            .OnCircuitStateChange((c, _) => { log.Add($"circuit:{c.Provider}:{c.CircuitChange!.Value.To}"); return ValueTask.CompletedTask; })
            .OnFailover((c, _) => { log.Add($"failover:{c.Provider}->{c.NextProvider}"); return ValueTask.CompletedTask; })
            .OnAfterResponse((c, _) => { log.Add($"after:{c.Provider}:{c.Response!.Text}:{c.Route!.Provider}"); return ValueTask.CompletedTask; });
        using var client = TestClients.Create(options, hooks: hooks);

        await client.Ask();

        Assert.Equal(
            ["before1:a#1", "before2:a", "circuit:a:Open", "error:a:ServerError", "failover:a->b", "before1:b#1", "before2:b", "after:b:answer from b:b"],
            log);
    }

    [Fact]
    public async Task Hooks_ThrowingHook_IsLoggedAndNeverFailsTheRequest()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var ran = new List<string>();
        var hooks = new FlexiAIHooks()
            .OnBeforeRequest((_, _) => throw new InvalidOperationException("hook boom"))
            .OnBeforeRequest((_, _) => { ran.Add("second"); return ValueTask.CompletedTask; })
            .OnAfterResponse(async (_, _) => { await Task.Yield(); throw new InvalidOperationException("async boom"); });
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("a")), hooks: hooks, loggerFactory: factory);

        var response = await client.Ask();

        Assert.Equal("answer from a", response.Text);
        Assert.Equal(["second"], ran);
        Assert.Contains(capture.Lines, l => l.Contains("BeforeRequest hook threw", StringComparison.Ordinal) && l.Contains("hook boom", StringComparison.Ordinal));
        Assert.Contains(capture.Lines, l => l.Contains("AfterResponse hook threw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hooks_ManualTripAndReset_RaiseCircuitHooks()
    {
        var events = new List<CircuitTransitionReason>();
        var hooks = new FlexiAIHooks().OnCircuitStateChange((c, _) => { events.Add(c.CircuitChange!.Value.Reason); return ValueTask.CompletedTask; });
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("a")), hooks: hooks);

        await client.TripCircuitBreakerAsync("a");
        await client.ResetCircuitBreakersAsync();

        Assert.Equal([CircuitTransitionReason.ManualTrip, CircuitTransitionReason.ManualReset], events);
        await Task.CompletedTask;
    }
}
