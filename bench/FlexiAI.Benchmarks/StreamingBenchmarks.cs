using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Streaming overhead: time to the first update, and a whole stream of N chunks, through FlexiAIClient vs the in-memory
/// provider directly. Per-chunk overhead = (overhead at 101 chunks − overhead at 1 chunk) / 100.
/// </summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "ping")];
    private InMemoryChatClient _direct = null!;
    private FlexiAIClient _client = null!;

    [Params(1, 101)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _direct = new InMemoryChatClient(Chunks);
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "p1", Priority = 1, Model = "m", ChatClient = _direct });
        _client = new FlexiAIClient(options);
    }

    [Benchmark(Baseline = true, Description = "direct: whole stream")]
    public async Task<int> DirectStream()
    {
        var n = 0;
        await foreach (var update in _direct.GetStreamingResponseAsync(_messages))
        {
            n += update.Contents.Count;
        }

        return n;
    }

    [Benchmark(Description = "FlexiAI: whole stream")]
    public async Task<int> FlexiAIStream()
    {
        var n = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(_messages))
        {
            n += update.Contents.Count;
        }

        return n;
    }

    [Benchmark(Description = "direct: first update")]
    public async Task<int> DirectFirst()
    {
        await using var e = _direct.GetStreamingResponseAsync(_messages).GetAsyncEnumerator();
        return await e.MoveNextAsync() ? 1 : 0;
    }

    [Benchmark(Description = "FlexiAI: first update")]
    public async Task<int> FlexiAIFirst()
    {
        await using var e = _client.GetStreamingResponseAsync(_messages).GetAsyncEnumerator();
        return await e.MoveNextAsync() ? 1 : 0;
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();
}
