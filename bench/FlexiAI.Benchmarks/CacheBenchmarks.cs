using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// The response cache (issue 15) through <see cref="FlexiAIClient"/> over an in-memory provider answering 1 KB, for a 10-message
/// conversation (the key encodes all of it on every call): the key alone (first sight: encoding + SHA-256; seen before: encoding +
/// memo lookup), a memory hit, a miss (refresh: key, upstream, entry, store) against no cache, and a Redis hit on loopback (memory
/// layer off, so every hit reads Redis; needs redis-server, else the Redis case is skipped).
/// Run: <c>dotnet build -c Release bench/FlexiAI.Benchmarks</c>, then
/// <c>dotnet bench/FlexiAI.Benchmarks/bin/Release/net10.0/FlexiAI.Benchmarks.dll --filter '*Cache*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CacheBenchmarks
{
    private static readonly string Answer = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 23))[..1024];

    private readonly List<ChatMessage> _conversation = [];
    private readonly ChatOptions _refresh = new() { ModelId = "m", AdditionalProperties = new() { [ResponseCacheControl.RefreshKey] = true } };
    private readonly ChatOptions _plain = new() { ModelId = "m" };
    private FlexiAIClient _flexi = null!;
    private ResponseCachingChatClient _memory = null!;
    private ResponseCachingChatClient? _redis;
    private Process? _redisServer;

    [GlobalSetup]
    public void Setup()
    {
        _conversation.Add(new ChatMessage(ChatRole.System, "You are a helpful assistant that answers briefly."));
        for (var i = 0; i < 9; i++)
        {
            _conversation.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"Message {i}: a sentence of ordinary length that a chat might carry."));
        }

        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "p1", Priority = 1, Model = "m", ChatClient = new FixedAnswerClient(Answer) });
        _flexi = new FlexiAIClient(options);
        _memory = new ResponseCachingChatClient(_flexi, new ResponseCacheOptions { Enabled = true });
        _memory.GetResponseAsync(_conversation, _plain).GetAwaiter().GetResult();

        if (File.Exists("/usr/bin/redis-server"))
        {
            var port = FreePort();
            _redisServer = Process.Start(new ProcessStartInfo("/usr/bin/redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            Thread.Sleep(300); // setup only, outside the measurement
            var redisOptions = new FlexiAIOptions();
            redisOptions.Retry.MaxAttempts = 1;
            redisOptions.Providers.Add(new ProviderOptions { Name = "p1", Priority = 1, Model = "m", ChatClient = new FixedAnswerClient(Answer) });
            redisOptions.Cache = new ResponseCacheOptions { Enabled = true, RedisConnectionString = $"127.0.0.1:{port}", MemoryLayer = false, StoreTimeout = TimeSpan.FromSeconds(2) };
            _redis = (ResponseCachingChatClient)new ChatClientBuilder(new FlexiAIClient(redisOptions)).UseFlexiAIRedisCache().Build();
            _redis.GetResponseAsync(_conversation, _plain).GetAwaiter().GetResult();
            Thread.Sleep(300); // let HybridCache's background write reach Redis
        }
    }

    [Benchmark(Baseline = true, Description = "no cache: FlexiAIClient")]
    public Task<ChatResponse> NoCache() => _flexi.GetResponseAsync(_conversation, _plain);

    [Benchmark(Description = "key, first sight (10 messages: canonical encoding + SHA-256 + key string)")]
    public string? KeyFirstSight() => ResponseCacheKey.Compute(_conversation, _plain, ResponseCacheOptions.DefaultKeyPrefix, remember: false);

    [Benchmark(Description = "key, seen before (10 messages: canonical encoding + memo lookup)")]
    public string? KeySeenBefore() => ResponseCacheKey.Compute(_conversation, _plain, ResponseCacheOptions.DefaultKeyPrefix);

    [Benchmark(Description = "memory hit (key of 10 messages + hit + fresh response)")]
    public Task<ChatResponse> MemoryHit() => _memory.GetResponseAsync(_conversation, _plain);

    [Benchmark(Description = "miss (refresh: key + FlexiAIClient + entry + store)")]
    public Task<ChatResponse> Miss() => _memory.GetResponseAsync(_conversation, _refresh);

    [Benchmark(Description = "redis hit on loopback (memory layer off)")]
    public Task<ChatResponse> RedisHit() => _redis is null ? Task.FromResult<ChatResponse>(null!) : _redis.GetResponseAsync(_conversation, _plain);

    [GlobalCleanup]
    public void Cleanup()
    {
        _memory.Dispose();
        _redis?.Dispose();
        if (_redisServer is { HasExited: false })
        {
            _redisServer.Kill();
            _redisServer.WaitForExit();
        }

        _redisServer?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FixedAnswerClient(string text) : IChatClient
    {
        private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = ChatFinishReason.Stop };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(_response);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
