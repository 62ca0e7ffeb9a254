using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FlexiAI.Redis.Tests.RateLimiting;

/// <summary>
/// Token rate limits are reserved from the estimate and corrected from the usage the provider reports: a request that used more
/// than estimated consumes what it used (the next one over tokens_per_minute goes to the next provider), one that used less gives
/// the rest back. In process and across a fleet through a real redis-server; real HTTP through the emulator.
/// </summary>
public sealed class TokenCorrectionTests : IAsyncLifetime
{
    private const string Key = "emulator-key-0123456789";
    private const int TokensPerMinute = 600;
    private EmulatorHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            instance.ApiKey = Key;
            // "essay": a long answer (800 words, about 1000 tokens) to a short question whose estimate is a handful of tokens.
            instance.ReplyText = user => user.Contains("essay", StringComparison.Ordinal) ? string.Join(' ', Enumerable.Repeat("word", 800)) : "ok";
        }

        _host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private FlexiAIOptions Options(RedisServer? redis, string prefix)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions
        {
            Name = "primary", Type = "openai", Model = "gpt-5.4-mini", ApiKey = Key, BaseUrl = _host["openai"].BaseUrl, Priority = 1,
            RateLimit = new RateLimitOptions { TokensPerMinute = TokensPerMinute },
        });
        options.Providers.Add(new ProviderOptions { Name = "backup", Type = "anthropic", Model = "claude-sonnet-5-5", ApiKey = Key, BaseUrl = _host["anthropic"].BaseUrl, Priority = 2 });
        if (redis is not null)
        {
            options.UseRedis(redis.ConnectionString, prefix);
        }

        return options;
    }

    private async Task<(FlexiAIClient Client, RedisStoreFactory? Factory, RedisServer? Redis)> CreateAsync(bool shared, string prefix)
    {
        var redis = shared ? await RedisServer.StartAsync(Token) : null;
        var factory = shared ? new RedisStoreFactory() : null;
        var clientOptions = new FlexiAIClientOptions { EnvironmentVariables = _ => null };
        if (factory is not null)
        {
            clientOptions.UseRedis(factory);
        }

        return (new FlexiAIClient(Options(redis, prefix), clientOptions), factory, redis);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_that_used_more_than_its_estimate_consumes_what_it_used_and_the_next_one_goes_to_the_next_provider(bool shared)
    {
        var (client, factory, redis) = await CreateAsync(shared, "more");
        try
        {
            var essay = await client.GetResponseAsync("Write an essay.", cancellationToken: Token);
            Assert.Equal("primary", essay.GetRoute().Provider);
            var used = essay.Usage!.TotalTokenCount!.Value;
            Assert.True(used > TokensPerMinute, $"the essay used {used} tokens");

            // Estimated at a few tokens, it would leave room; corrected, the window is over its limit.
            var next = await client.GetResponseAsync("hi", cancellationToken: Token);
            Assert.Equal("backup", next.GetRoute().Provider);
            Assert.Equal(AttemptOutcome.Skipped, next.GetRoute().Attempts[0].Outcome);
            Assert.Equal($"rate limit: {TokensPerMinute} tokens/min", next.GetRoute().Attempts[0].SkipReason);

            var status = Assert.Single(await client.GetRateLimitStatusAsync(Token));
            Assert.Equal(shared, status.IsShared);
            Assert.Equal(used, status.TokensUsed);
            Assert.Equal(0, status.TokensLeft);
            if (redis is not null)
            {
                using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
                Assert.Equal(used, (long)await connection.GetDatabase().StringGetAsync("more:ratelimit:primary:tokens:used"));
            }
        }
        finally
        {
            await DisposeAsync(client, factory, redis);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_that_used_less_than_its_estimate_gives_the_rest_back(bool shared)
    {
        var (client, factory, redis) = await CreateAsync(shared, "less");
        try
        {
            // Each reserves its input plus 400 allowed output tokens: two do not fit in 600 until the first is corrected to the few it used.
            var options = new ChatOptions { MaxOutputTokens = 400 };
            var first = await client.GetResponseAsync("hi", options, Token);
            var second = await client.GetResponseAsync("hi", options, Token);

            Assert.Equal("primary", first.GetRoute().Provider);
            Assert.Equal("primary", second.GetRoute().Provider);
            var status = Assert.Single(await client.GetRateLimitStatusAsync(Token));
            Assert.Equal(shared, status.IsShared);
            Assert.Equal(first.Usage!.TotalTokenCount + second.Usage!.TotalTokenCount, status.TokensUsed);
        }
        finally
        {
            await DisposeAsync(client, factory, redis);
        }
    }

    [Fact]
    public async Task A_streamed_answer_is_corrected_from_the_usage_its_stream_reported()
    {
        var (client, factory, redis) = await CreateAsync(shared: false, "stream");
        try
        {
            UsageDetails? usage = null;
            await foreach (var update in client.GetStreamingResponseAsync("Write an essay.", cancellationToken: Token))
            {
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            }

            Assert.True(usage?.TotalTokenCount > TokensPerMinute, $"the streamed essay reported {usage?.TotalTokenCount} tokens");
            var next = await client.GetResponseAsync("hi", cancellationToken: Token);
            Assert.Equal("backup", next.GetRoute().Provider);
            Assert.Equal(usage!.TotalTokenCount, Assert.Single(await client.GetRateLimitStatusAsync(Token)).TokensUsed);
        }
        finally
        {
            await DisposeAsync(client, factory, redis);
        }
    }

    [Fact]
    public void The_local_window_counts_a_correction_with_its_reservation_while_it_is_in_the_window_and_an_excess_now_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var window = new LocalRateWindow(100, time);
        Assert.True(window.TryTake(50, out _, out var segment));
        window.Correct(segment, -40);
        Assert.Equal(10, window.Used);
        window.Correct(segment, -1000); // never below zero
        Assert.Equal(0, window.Used);

        Assert.True(window.TryTake(10, out _, out segment));
        time.Advance(TimeSpan.FromSeconds(30));
        window.Correct(segment, 80); // still in the window: leaves with the reservation
        Assert.Equal(90, window.Used);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, window.Used);

        window.Correct(segment, -5); // left the window: nothing to free
        window.Correct(segment, 30); // left the window: the excess is counted now
        Assert.Equal(30, window.Used);
        Assert.False(window.TryTake(80, out _));
    }

    private static async Task DisposeAsync(FlexiAIClient client, RedisStoreFactory? factory, RedisServer? redis)
    {
        client.Dispose();
        factory?.Dispose();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }
}
