using StackExchange.Redis;

namespace FlexiAI.Redis.Tests;

public sealed class RedisServerTests
{
    [Fact]
    public async Task A_test_server_answers_and_comes_back_empty_after_a_restart_on_the_same_port()
    {
        await using var server = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            var db = connection.GetDatabase();
            await db.StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        }

        await server.StopAsync();
        Assert.False(server.IsRunning);
        await server.RestartAsync(TestContext.Current.CancellationToken);

        await using var again = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.False((await again.GetDatabase().StringGetAsync("k")).HasValue);
    }
}
