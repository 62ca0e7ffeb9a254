using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Cost accounting on the success path: the cost subscriber's handling of one successful attempt (price the usage, build
/// the route's <see cref="RequestCost"/>, add it to the ledger's since-start, today and this-month totals by provider and
/// tag). Target: ≤ 300 ns and no allocation beyond the <see cref="RequestCost"/> (56 B).
/// </summary>
[MemoryDiagnoser]
public class CostBenchmarks
{
    private CostAccounting _cost = null!;
    private AttemptSucceeded _untagged;
    private AttemptSucceeded _tagged;
    private AttemptSucceeded _unknownModel;

    [GlobalSetup]
    public void Setup()
    {
        _cost = new CostAccounting(TimeProvider.System, NullLogger.Instance, CostOptions.DefaultMaxTags, _ => { });
        var setup = _cost.Prepare(new FlexiAIOptions());
        var usage = new UsageDetails { InputTokenCount = 1_200, CachedInputTokenCount = 200, OutputTokenCount = 350, TotalTokenCount = 1_550 };
        var priced = Provider(setup, "gpt-5.4-mini");
        var unknown = Provider(setup, "my-local-llama");
        List<ChatMessage> messages = [new(ChatRole.User, "ping")];
        _untagged = new AttemptSucceeded(State(messages, null), priced, 1, TimeSpan.Zero, usage);
        _tagged = new AttemptSucceeded(State(messages, new ChatOptions { AdditionalProperties = new() { ["flexiai.tag"] = "user-42" } }), priced, 1, TimeSpan.Zero, usage);
        _unknownModel = new AttemptSucceeded(State(messages, null), unknown, 1, TimeSpan.Zero, usage);

        // Warm the ledger's keys, as a running client has them.
        Account().AsTask().GetAwaiter().GetResult();
        AccountTagged().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "cost: success path, untagged")]
    public ValueTask Account() => _cost.Subscriber.OnAttemptSucceededAsync(_untagged, CancellationToken.None);

    [Benchmark(Description = "cost: success path, tagged")]
    public ValueTask AccountTagged() => _cost.Subscriber.OnAttemptSucceededAsync(_tagged, CancellationToken.None);

    [Benchmark(Description = "cost: success path, unknown model")]
    public ValueTask AccountUnknown() => _cost.Subscriber.OnAttemptSucceededAsync(_unknownModel, CancellationToken.None);

    private RoutedProvider Provider(CostSetup setup, string model)
    {
        var options = new ProviderOptions { Name = model, Type = ProviderTypes.OpenAI, Model = model };
        var breaker = new CircuitBreaker(model, new InMemoryCircuitStateStore(), TimeProvider.System, 5, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(61),
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), NullLogger.Instance);
        var routed = new RoutedProvider(options, 0, new InMemoryChatClient(), false, ProviderAdapter.Generic, breaker, 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
        routed.Pricing = _cost.Resolve(setup, options, ProviderAdapter.Generic);
        return routed;
    }

    private static RequestState State(List<ChatMessage> messages, ChatOptions? options) =>
        new(messages, options, "0123456789abcdef0123456789abcdef", default, 0, Timeout.InfiniteTimeSpan, CancellationToken.None);
}
