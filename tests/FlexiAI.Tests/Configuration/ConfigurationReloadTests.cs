using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Configuration;

public sealed class ConfigurationReloadTests
{
    [Fact]
    public async Task Reload_changes_routing_and_keeps_an_open_breaker_open()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenFail(503);
        var b = new FakeChatClient("b").ThenAnswer("from b");
        var c = new FakeChatClient("c").ThenAnswer("from c");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options, time);
        await client.Ask();
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(s => s.Name == "a").State);

        var next = TestClients.Options(a, c, b);
        next.CircuitBreaker.FailureThreshold = 1;
        await client.ReloadAsync(next, TestContext.Current.CancellationToken);

        var response = await client.Ask();
        Assert.Equal("from c", response.Text);
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, response.GetRoute().Attempts[0].Outcome);
        Assert.Equal(1, a.Calls);
        Assert.Equal(["a", "c", "b"], client.GetProviderStatus().Select(s => s.Name));
        Assert.Contains("\"name\": \"c\"", client.ExportConfiguration(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_reload_is_refused_and_the_previous_configuration_stays()
    {
        var a = new FakeChatClient("a").ThenAnswer("from a");
        using var client = TestClients.Create(TestClients.Options(a));
        var broken = new FlexiAIOptions();
        broken.Providers.Add(new ProviderOptions { Name = "x", Type = "nope", Model = "m" });

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => client.ReloadAsync(broken, TestContext.Current.CancellationToken));

        Assert.Equal("providers[0].type", error.Errors[0].Path);
        Assert.Equal("from a", (await client.Ask()).Text);
    }

    [Fact]
    public async Task A_reloaded_configuration_section_reaches_the_di_client()
    {
        var source = new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "first",
            ["FlexiAI:providers:0:type"] = "fake",
            ["FlexiAI:providers:0:model"] = "m1",
            ["FlexiAI:retry:max_attempts"] = "1",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ProviderFactory>(new NamedFakeFactory());
        services.AddFlexiAI(configuration.GetSection("FlexiAI"));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<FlexiAIClient>();
        Assert.Equal("first", (await client.Ask()).Text);

        configuration["FlexiAI:providers:0:name"] = "second";
        configuration.Reload();
        await TestClients.Until(() => client.PrimaryProvider == "second");

        Assert.Equal("second", (await client.Ask()).Text);

        configuration["FlexiAI:providers:0:model"] = string.Empty;
        configuration.Reload();
        Assert.Equal("second", (await client.Ask()).Text);
    }

    [Fact]
    public async Task A_watched_file_reloads_and_a_bad_edit_is_ignored()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-reload-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "providers": [ { "name": "first", "type": "fake", "model": "m" } ], "retry": { "max_attempts": 1 } }""", TestContext.Current.CancellationToken);
        var clientOptions = new FlexiAIClientOptions();
        clientOptions.ProviderFactories.Add(new NamedFakeFactory());
        using var client = FlexiAIClient.FromFile(path, reloadOnChange: true, clientOptions);
        Assert.Equal("first", (await client.Ask()).Text);

        await File.WriteAllTextAsync(path, """{ "providers": [ { "name": "broken" """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(path, """{ "providers": [ { "name": "second", "type": "fake", "model": "m" } ], "retry": { "max_attempts": 1 } }""", TestContext.Current.CancellationToken);
        await TestClients.Until(() => client.PrimaryProvider == "second", timeoutMs: 10_000);

        Assert.Equal("second", (await client.Ask()).Text);
    }

    /// <summary>A provider type whose client answers with the provider's name.</summary>
    private sealed class NamedFakeFactory : ProviderFactory
    {
        public override string Type => "fake";

        public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context) => new FakeChatClient(provider.Name).ThenAnswer(provider.Name);
    }
}
