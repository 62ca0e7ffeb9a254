using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using FlexiAI.Redis;
using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace FlexiAI.Benchmarks;

/// <summary>
/// The hot path with a closed breaker: in-memory state store vs a Redis store (a real redis-server started on a free port).
/// The target (issue 16): no Redis round trip per request, overhead within 10 % of the in-memory store. The Redis server's
/// command count is printed at cleanup to show the zero round trips.
/// </summary>
[MemoryDiagnoser]
public class RedisStoreBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "ping")];
    private Process? _server;
    private int _port;
    private RedisStoreFactory? _factory;
    private FlexiAIClient _memory = null!;
    private FlexiAIClient _redis = null!;
    private long _commandsBefore;

    [GlobalSetup]
    public void Setup()
    {
        _port = FreePort();
        _server = Process.Start(new ProcessStartInfo("redis-server", $"--port {_port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server is needed for this benchmark (apt-get install -y redis-server)");
        Thread.Sleep(300);
        _memory = Client(null);
        _factory = new RedisStoreFactory();
        _redis = Client($"127.0.0.1:{_port}");
        _commandsBefore = Commands();
    }

    [Benchmark(Baseline = true, Description = "closed breaker, in-memory store")]
    public Task<ChatResponse> InMemory() => _memory.GetResponseAsync(_messages);

    [Benchmark(Description = "closed breaker, Redis store")]
    public Task<ChatResponse> Redis() => _redis.GetResponseAsync(_messages);

    [GlobalCleanup]
    public void Cleanup()
    {
        // Background refreshes (one MGET per 2 s) are the only commands; none per request.
        Console.WriteLine($"// redis commands processed during the benchmark: {Commands() - _commandsBefore}");
        _memory.Dispose();
        _redis.Dispose();
        _factory?.Dispose();
        _server?.Kill();
        _server?.Dispose();
    }

    private FlexiAIClient Client(string? redis)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "p1", Priority = 1, Model = "m", ChatClient = new InMemoryChatClient() });
        var clientOptions = new FlexiAIClientOptions();
        if (redis is not null)
        {
            options.UseRedis(redis, "bench");
            clientOptions.UseRedis(_factory);
        }

        return new FlexiAIClient(options, clientOptions);
    }

    private long Commands()
    {
        using var connection = ConnectionMultiplexer.Connect($"127.0.0.1:{_port},allowAdmin=true");
        var info = connection.GetServer($"127.0.0.1:{_port}").Info("stats").SelectMany(g => g).FirstOrDefault(kv => kv.Key == "total_commands_processed");
        return long.TryParse(info.Value, out var n) ? n : -1;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
