using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>Non-streaming overhead: FlexiAIClient over an in-memory provider vs that provider called directly.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "ping")];
    private InMemoryChatClient _direct = null!;
    private FlexiAIClient _success = null!;
    private FlexiAIClient _failover = null!;
    private FlexiAIClient _openBreaker = null!;

    [GlobalSetup]
    public void Setup()
    {
        _direct = new InMemoryChatClient();
        _success = Client(_direct);
        _failover = Client(new InMemoryChatClient(failure: () => new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)), _direct);
        // Never let the failing provider's breaker open: every call fails over from it.
        _openBreaker = Client(new InMemoryChatClient(failure: () => new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)), _direct);
        _openBreaker.TripCircuitBreakerAsync("p1").AsTask().GetAwaiter().GetResult();
    }

    private static FlexiAIClient Client(params IChatClient[] providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.CircuitBreaker.FailureThreshold = int.MaxValue;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromDays(1);
        for (var i = 0; i < providers.Length; i++)
        {
            options.Providers.Add(new ProviderOptions { Name = $"p{i + 1}", Priority = i + 1, Model = "m", ChatClient = providers[i] });
        }

        return new FlexiAIClient(options);
    }

    [Benchmark(Baseline = true, Description = "direct provider call")]
    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI: success on the first provider")]
    public Task<ChatResponse> Success() => _success.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI: failover from an instantly failing provider")]
    public Task<ChatResponse> Failover() => _failover.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI: skip an open breaker")]
    public Task<ChatResponse> SkipOpenBreaker() => _openBreaker.GetResponseAsync(_messages);

    [GlobalCleanup]
    public void Cleanup()
    {
        _success.Dispose();
        _failover.Dispose();
        _openBreaker.Dispose();
    }
}
