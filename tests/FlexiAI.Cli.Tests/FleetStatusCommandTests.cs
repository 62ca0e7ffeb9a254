using System.Globalization;
using FlexiAI.Emulator;
using FlexiAI.Redis;
using FlexiAI.Redis.Tests;
using Microsoft.Extensions.AI;

namespace FlexiAI.Cli.Tests;

/// <summary>
/// <c>flexiai status --config F</c> for a fleet: the breaker states and rate-limit headroom another instance left in a real
/// redis-server (its own, on a free port), and this process's headroom without a shared store. Providers on the emulator.
/// </summary>
public sealed class FleetStatusCommandTests : IAsyncLifetime
{
    private const string Key = "emulator-key-0123456789";
    private EmulatorHost _host = null!;
    private string _directory = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync();
        _directory = Path.Combine(Path.GetTempPath(), "flexiai-fleet-status-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string WriteConfig(string? redisConnection)
    {
        var store = redisConnection is null
            ? string.Empty
            : $$""", "circuit_breaker": { "store": { "type": "redis", "connection": "{{redisConnection}}", "prefix": "status-app" } }""";
        var json = $$"""
            {
              "providers": [
                { "name": "primary", "type": "openai", "model": "gpt-5.4-mini", "api_key": "{{Key}}", "base_url": "{{_host["openai"].BaseUrl}}", "priority": 1,
                  "rate_limit": { "requests_per_minute": 10, "tokens_per_minute": 5000 } },
                { "name": "backup", "type": "anthropic", "model": "claude-sonnet-5-5", "api_key": "{{Key}}", "base_url": "{{_host["anthropic"].BaseUrl}}", "priority": 2,
                  "rate_limit": { "requests_per_minute": 100 } }
              ]{{store}}
            }
            """;
        var path = Path.Combine(_directory, redisConnection is null ? "local.json" : "fleet.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Status_shows_the_fleet_breaker_states_and_rate_limit_headroom_read_from_redis()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var config = WriteConfig(redis.ConnectionString);

        // Another instance of the fleet: three requests on the primary, then an operator trips the backup's breaker.
        using var factory = new RedisStoreFactory();
        long tokens = 0;
        using (var other = new FlexiAIClient(FlexiAIConfiguration.LoadFile(config), new FlexiAIClientOptions { EnvironmentVariables = _ => null }.UseRedis(factory)))
        {
            for (var i = 0; i < 3; i++)
            {
                var response = await other.GetResponseAsync("hello", cancellationToken: Token);
                Assert.Equal("primary", response.GetRoute().Provider);
                tokens += response.Usage!.TotalTokenCount!.Value;
            }

            await other.TripCircuitBreakerAsync("backup", Token);
        }

        var run = await CliRun.RunAsync(["status", "--config", config, "--no-check"], directory: _directory);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Shared state: redis", run.Out, StringComparison.Ordinal);
        Assert.Contains("available; the circuits above are the fleet's", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"backup\s*│\s*anthropic\s*│\s*claude-sonnet-5-5\s*│\s*Open", run.Out);
        Assert.Contains("Rate limits (client-side, sliding minute):", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"primary\s*│\s*7/10 per min\s*│\s*" + (5000 - tokens).ToString(CultureInfo.InvariantCulture) + @"/5000 per min\s*│\s*the fleet \(shared store\)", run.Out);
        Assert.Matches(@"backup\s*│\s*100/100 per min\s*│\s*-\s*│\s*the fleet \(shared store\)", run.Out);
        Assert.DoesNotContain(Key, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_shared_store_status_shows_this_process_headroom()
    {
        var run = await CliRun.RunAsync(["status", "--config", WriteConfig(null), "--no-check"], directory: _directory);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Shared state", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"primary\s*│\s*10/10 per min\s*│\s*5000/5000 per min\s*│\s*this process", run.Out);
    }
}
