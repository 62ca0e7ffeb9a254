using System.ClientModel;
using System.ClientModel.Primitives;
using BenchmarkDotNet.Attributes;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using OpenAI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Streaming over real HTTP: the official OpenAI SDK's IChatClient against the emulator on loopback, directly vs through
/// FlexiAIClient — time to the first update and a whole stream.
/// </summary>
[MemoryDiagnoser]
public class LoopbackStreamingBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Stream a reply")];
    private EmulatorHost _emulator = null!;
    private IChatClient _direct = null!;
    private FlexiAIClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _emulator = EmulatorHost.StartAsync().GetAwaiter().GetResult();
        _emulator["openai"].Options.JournalCapacity = 100;
        var endpoint = _emulator["openai"].BaseUrl;
        _direct = new OpenAIClient(new ApiKeyCredential("bench"), new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(0) })
            .GetChatClient("gpt-4.1-mini").AsIChatClient();
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "openai", Priority = 1, Model = "gpt-4.1-mini", ApiKey = "bench", BaseUrl = endpoint });
        _client = new FlexiAIClient(options);
    }

    [Benchmark(Baseline = true, Description = "OpenAI SDK direct: first update")]
    public async Task<int> DirectFirst()
    {
        await using var e = _direct.GetStreamingResponseAsync(_messages).GetAsyncEnumerator();
        return await e.MoveNextAsync() ? 1 : 0;
    }

    [Benchmark(Description = "FlexiAI → OpenAI SDK: first update")]
    public async Task<int> FlexiAIFirst()
    {
        await using var e = _client.GetStreamingResponseAsync(_messages).GetAsyncEnumerator();
        return await e.MoveNextAsync() ? 1 : 0;
    }

    [Benchmark(Description = "OpenAI SDK direct: whole stream")]
    public async Task<int> DirectStream()
    {
        var n = 0;
        await foreach (var update in _direct.GetStreamingResponseAsync(_messages))
        {
            n += update.Contents.Count;
        }

        return n;
    }

    [Benchmark(Description = "FlexiAI → OpenAI SDK: whole stream")]
    public async Task<int> FlexiAIStream()
    {
        var n = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(_messages))
        {
            n += update.Contents.Count;
        }

        return n;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _direct.Dispose();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
