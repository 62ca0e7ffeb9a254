using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Hosting;

/// <summary><c>AddFlexiAI</c> in a real Generic Host: named options, validation on start, services from DI, keyed clients, reload — over the in-process emulator.</summary>
public sealed class HostingIntegrationTests(EmulatedProvidersFixture emulator) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_and_a_named_client_answer_through_the_emulator_as_IChatClient_and_keyed_IChatClient()
    {
        emulator.Reset();
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(Section("FlexiAI", "openai").Concat(Section("CheapAI", "anthropic")));
        builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"));
        builder.Services.AddFlexiAI("cheap", builder.Configuration.GetSection("CheapAI"));
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var standard = host.Services.GetRequiredService<IChatClient>();
        var cheap = host.Services.GetRequiredKeyedService<IChatClient>("cheap");

        Assert.Same(host.Services.GetRequiredService<FlexiAIClient>(), standard);
        Assert.Same(host.Services.GetRequiredKeyedService<FlexiAIClient>("cheap"), cheap);
        Assert.NotSame(standard, cheap);
        Assert.Equal("openai", (await standard.Ask(Ct)).GetRoute().Provider);
        Assert.Equal("anthropic", (await cheap.Ask(Ct)).GetRoute().Provider);

        var monitor = host.Services.GetRequiredService<IOptionsMonitor<FlexiAIOptions>>();
        Assert.Equal("gpt-5.4-mini", monitor.CurrentValue.Providers.Single().Model);
        Assert.Equal("claude-sonnet-5-5", monitor.Get("cheap").Providers.Single().Model);
        Assert.Equal(1, monitor.Get("cheap").Retry.MaxAttempts);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task An_invalid_configuration_stops_the_host_on_start_naming_the_client_the_path_and_the_fix()
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "openai",
            ["FlexiAI:providers:0:api_key"] = "k",
            ["Backup:providers:0:name"] = "anthropic",
            ["Backup:providers:0:model"] = "claude-sonnet-5-5",
            ["Backup:providers:0:api_key"] = "k",
            ["Backup:retry:max_attempts"] = "lots",
        });
        builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"));
        builder.Services.AddFlexiAI("backup", builder.Configuration.GetSection("Backup"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        var failures = (error is AggregateException all ? all.InnerExceptions : [error]).Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(failures, f => f.StartsWith("FlexiAI client default: providers[0].model:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("FlexiAI client 'backup': retry.max_attempts:", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolving_an_invalid_client_outside_a_host_throws_the_ConfigurationException_a_hand_built_client_would()
    {
        var services = new ServiceCollection();
        services.AddFlexiAI("named", o => o.Providers.Add(new ProviderOptions { Name = "openai", ApiKey = "k" }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ConfigurationException>(() => provider.GetRequiredKeyedService<IChatClient>("named"));

        Assert.Contains(error.Errors, e => e.Path == "providers[0].model");
    }

    [Fact]
    public void Registering_the_same_client_twice_is_refused_with_how_to_name_another()
    {
        var services = new ServiceCollection();
        services.AddFlexiAI(o => { });

        var error = Assert.Throws<InvalidOperationException>(() => services.AddFlexiAI(o => { }));

        Assert.Contains("services.AddFlexiAI(\"backup\", section)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_the_logger_factory_and_the_breaker_store_come_from_the_container()
    {
        emulator.Reset();
        var time = new FakeTimeProvider(TestClients.Start);
        var store = new InMemoryCircuitStateStore();
        var logs = new CapturingLoggerProvider();
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(Section("FlexiAI", "openai"));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<ICircuitStateStore>(store);
        builder.Logging.AddProvider(logs);
        builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var client = host.Services.GetRequiredService<FlexiAIClient>();

        await client.TripCircuitBreakerAsync("openai", Ct);

        var entry = await store.GetAsync("openai", Ct);
        Assert.Equal(CircuitState.Open, entry.State);
        Assert.Equal(TestClients.Start, entry.OpenedAt);
        Assert.Contains(logs.Lines, l => l.Contains("openai", StringComparison.Ordinal) && l.Contains("Open", StringComparison.Ordinal));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_keyed_store_and_keyed_hooks_serve_only_their_client()
    {
        emulator.Reset();
        var shared = new InMemoryCircuitStateStore();
        var own = new InMemoryCircuitStateStore();
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddSingleton<ICircuitStateStore>(shared);
        services.AddKeyedSingleton<ICircuitStateStore>("b", own);
        services.AddKeyedSingleton("b", new FlexiAIHooks().OnAfterResponse((c, _) =>
        {
            seen.Add(c.Provider!);
            return ValueTask.CompletedTask;
        }));
        services.AddFlexiAI("a", o => Fill(o, "openai"));
        services.AddFlexiAI("b", o => Fill(o, "anthropic"));
        await using var provider = services.BuildServiceProvider();
        var a = provider.GetRequiredKeyedService<FlexiAIClient>("a");
        var b = provider.GetRequiredKeyedService<FlexiAIClient>("b");

        await a.Ask(Ct);
        await b.Ask(Ct);
        await b.TripCircuitBreakerAsync("anthropic", Ct);

        Assert.Equal(["anthropic"], seen);
        Assert.Equal(CircuitState.Open, (await own.GetAsync("anthropic", Ct)).State);
        Assert.Equal(CircuitState.Closed, (await shared.GetAsync("anthropic", Ct)).State);
    }

    [Fact]
    public async Task A_reloaded_section_reaches_the_named_client_and_the_monitor_and_a_bad_edit_is_logged_and_ignored()
    {
        emulator.Reset();
        var logs = new CapturingLoggerProvider();
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(Section("AI", "openai"));
        builder.Logging.AddProvider(logs);
        builder.Services.AddFlexiAI("chat", builder.Configuration.GetSection("AI"));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var client = host.Services.GetRequiredKeyedService<FlexiAIClient>("chat");
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<FlexiAIOptions>>();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal("openai", (await client.Ask(Ct)).GetRoute().Provider);

        foreach (var (key, value) in Section("AI", "anthropic"))
        {
            configuration[key] = value;
        }

        configuration.Reload();
        await TestClients.Until(() => client.PrimaryProvider == "anthropic");

        Assert.Equal("anthropic", (await client.Ask(Ct)).GetRoute().Provider);
        Assert.Equal("anthropic", monitor.Get("chat").Providers.Single().Name);

        configuration["AI:providers:0:model"] = string.Empty;
        configuration.Reload();
        await TestClients.Until(() => logs.Lines.Any(l => l.Contains("FlexiAI client 'chat'", StringComparison.Ordinal) && l.Contains("providers[0].model", StringComparison.Ordinal)));

        Assert.Equal("anthropic", (await client.Ask(Ct)).GetRoute().Provider);
        Assert.Equal("claude-sonnet-5-5", monitor.Get("chat").Providers.Single().Model);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task An_MEAI_pipeline_over_a_named_client_runs_a_tool_round_trip_on_the_emulator()
    {
        emulator.Reset();
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(Section("AI", "anthropic"));
        builder.Services.AddFlexiAI("chat", builder.Configuration.GetSection("AI"));
        builder.Services.AddKeyedChatClient("agent", sp => sp.GetRequiredKeyedService<FlexiAIClient>("chat")).UseFunctionInvocation();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var agent = host.Services.GetRequiredKeyedService<IChatClient>("agent");
        var tool = AIFunctionFactory.Create((string city) => $"rain in {city}", "get_weather");

        var reply = await agent.GetResponseAsync("Please call get_weather for Oslo.", new ChatOptions { Tools = [tool] }, Ct);

        Assert.Contains(reply.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.Result?.ToString()?.Contains("rain in", StringComparison.Ordinal) == true);
        Assert.Contains("get_weather tool returned", reply.Text, StringComparison.Ordinal);
        await host.StopAsync(Ct);
    }

    private static HostApplicationBuilder NewBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        return builder;
    }

    /// <summary>A FlexiAI configuration section with one emulated provider, in the plan's keys.</summary>
    private Dictionary<string, string?> Section(string path, string kind)
    {
        var provider = emulator.Provider(kind, 1);
        return new()
        {
            [$"{path}:providers:0:name"] = provider.Name,
            [$"{path}:providers:0:type"] = provider.Type,
            [$"{path}:providers:0:model"] = provider.Model,
            [$"{path}:providers:0:api_key"] = provider.ApiKey,
            [$"{path}:providers:0:base_url"] = provider.BaseUrl?.ToString(),
            [$"{path}:retry:max_attempts"] = "1",
        };
    }

    private void Fill(FlexiAIOptions options, string kind)
    {
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(emulator.Provider(kind, 1));
    }
}
