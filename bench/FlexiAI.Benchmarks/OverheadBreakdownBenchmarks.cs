using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Where FlexiAI's per-request cost goes, piece by piece, without HTTP: an asynchronously completing provider (so every
/// async layer allocates as it does over the network) called directly, through FlexiAI's provider wrappers only, and
/// through <see cref="FlexiAIClient"/>; and the per-request objects the router makes, each on its own.
/// </summary>
[MemoryDiagnoser]
public class OverheadBreakdownBenchmarks
{
    private const string RouteKey = "flexiai.route";
    private readonly List<ChatMessage> _messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "What is a circuit breaker?")];
    private readonly TimeSpan _attemptTimeout = TimeSpan.FromSeconds(60);
    private YieldingChatClient _provider = null!;
    private IChatClient _wrapped = null!;
    private FlexiAIClient _flexiAI = null!;
    private FlexiAIClient _flexiAIWrapped = null!;

    [GlobalSetup]
    public void Setup()
    {
        _provider = new YieldingChatClient();
        _wrapped = new ResponseDataChatClient(_provider, OpenAIWireRules.ResponseData);
        _flexiAI = Client(_provider);
        _flexiAIWrapped = Client(_wrapped);
    }

    private static FlexiAIClient Client(IChatClient provider)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "openai", Priority = 1, Model = "gpt-4.1-mini", ChatClient = provider });
        return new FlexiAIClient(options);
    }

    [Benchmark(Baseline = true, Description = "async provider direct")]
    public Task<ChatResponse> Direct() => _provider.GetResponseAsync(_messages);

    [Benchmark(Description = "provider wrappers (content check + response data) → async provider")]
    public Task<ChatResponse> Wrappers() => _wrapped.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI → async provider")]
    public Task<ChatResponse> FlexiAI() => _flexiAI.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI → provider wrappers → async provider")]
    public Task<ChatResponse> FlexiAIWrapped() => _flexiAIWrapped.GetResponseAsync(_messages);

    [Benchmark(Description = "piece: deadline CTS + CancelAfter + Dispose")]
    public bool Deadline()
    {
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(_attemptTimeout);
        return cts.IsCancellationRequested;
    }

    [Benchmark(Description = "piece: correlation id (Guid N string)")]
    public string CorrelationId() => Guid.NewGuid().ToString("N");

    [Benchmark(Description = "piece: attempt timeout description string")]
    public string Description() => $"attempt timeout of {_attemptTimeout.TotalSeconds:0.###} s";

    [Benchmark(Description = "piece: route (attempt list, attempt, report with array copy)")]
    public RouteReport Route()
    {
        var attempts = new List<RouteAttempt>(2) { new("openai", "gpt-4.1-mini", 1, AttemptOutcome.Succeeded, null, null, TimeSpan.FromMilliseconds(1)) };
        return new RouteReport("0123456789abcdef0123456789abcdef", "openai", "gpt-4.1-mini", [.. attempts], TimeSpan.FromMilliseconds(1));
    }

    [Benchmark(Description = "piece: AdditionalProperties with one entry")]
    public AdditionalPropertiesDictionary Properties() => new() { [RouteKey] = this };

    [GlobalCleanup]
    public void Cleanup()
    {
        _flexiAI.Dispose();
        _flexiAIWrapped.Dispose();
    }
}
