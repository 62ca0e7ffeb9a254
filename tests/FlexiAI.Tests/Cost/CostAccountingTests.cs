using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static FlexiAI.Tests.Cost.CostTestSupport;

namespace FlexiAI.Tests.Cost;

public sealed class CostAccountingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cost_of_input_cached_input_and_output_matches_the_hand_computed_value()
    {
        // gpt-5.4-mini in the data file: input 0.75, cached input 0.075, output 4.5 USD per million tokens.
        using var client = Client(Options(Provider("p", "openai", "gpt-5.4-mini", new UsageChatClient(Usage(1_000, 500, cached: 200)), 1)));

        var cost = (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Cost!;

        Assert.Equal(0.0006m, cost.Input); // 800 uncached × 0.75 / 1e6
        Assert.Equal(0.000015m, cost.CachedInput); // 200 × 0.075 / 1e6
        Assert.Equal(0.00225m, cost.Output); // 500 × 4.5 / 1e6
        Assert.Equal(0.002865m, cost.Total);
        Assert.Equal("gpt-5.4-mini", cost.PricedAs);
    }

    [Fact]
    public async Task Gemini_above_200k_input_is_priced_at_the_higher_tier_and_thoughts_are_billed_as_output()
    {
        var usage = Usage(250_000, 1_000);
        usage.ReasoningTokenCount = 100;
        using var client = Client(Options(Provider("g", "vertexai", "gemini-2.5-pro", new UsageChatClient(usage), 1)));

        var cost = (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Cost!;

        Assert.Equal(0.625m, cost.Input); // 250,000 × 2.5 / 1e6 (tier above 200k)
        Assert.Equal(0.0165m, cost.Output); // (1,000 + 100) × 15 / 1e6
    }

    [Fact]
    public async Task Cache_reads_and_writes_are_priced_apart()
    {
        // claude-sonnet-5: input 2, cache write 2.5, cache read 0.2, output 10.
        var usage = Usage(10_000, 100, cached: 2_000);
        usage.AdditionalCounts = new() { ["CacheCreationInputTokens"] = 3_000 };
        using var client = Client(Options(Provider("a", "anthropic", "claude-sonnet-5", new UsageChatClient(usage), 1)));

        var cost = (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Cost!;

        Assert.Equal((0.01m, 0.0004m, 0.0075m, 0.001m, 0.0189m), (cost.Input, cost.CachedInput, cost.CacheWrite, cost.Output, cost.Total));
    }

    [Fact]
    public async Task A_local_ollama_model_costs_zero_not_unknown_and_a_provider_without_a_model_is_unpriced_without_a_crash()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = Options(Provider("local", "ollama", "gemma3", new UsageChatClient(Usage(10, 10)), 1));
        options.Providers.Add(new ProviderOptions { Name = "coded", Priority = 2, ChatClient = new UsageChatClient(Usage(1, 1)) });
        using var client = Client(options, logging: factory);

        var response = await client.GetResponseAsync("hi", cancellationToken: Token);

        Assert.Equal(0m, response.GetRoute().Cost!.Total);
        Assert.Equal(0m, client.GetModelPrice("local")!.InputPerMillion);
        Assert.Null(client.GetModelPrice("coded"));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("No price", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_model_costs_null_never_zero_and_is_named_in_one_warning()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var client = Client(Options(Provider("local", "openai", "my-local-llama", new UsageChatClient(Usage(10, 10)), 1)), logging: factory);

        var first = await client.GetResponseAsync("hi", cancellationToken: Token);
        await client.GetResponseAsync("again", cancellationToken: Token);

        Assert.Null(first.GetRoute().Cost);
        Assert.Single(logs.Lines, l => l.Contains("my-local-llama", StringComparison.Ordinal) && l.Contains("No price", StringComparison.Ordinal));
        var report = client.GetCostReport();
        Assert.Equal((0m, 2L), (report.Total, report.UnpricedRequests));
    }

    [Fact]
    public async Task A_request_that_fails_over_reports_the_answering_providers_cost()
    {
        var primary = new UsageChatClient(Usage(1_000, 1_000), failWith: 503);
        var backup = new UsageChatClient(Usage(1_000_000, 0));
        using var client = Client(Options(Provider("a", "openai", "gpt-5.4-mini", primary, 1), Provider("b", "openai", "gpt-5.4-nano", backup, 2)));

        var route = (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute();

        Assert.Equal("b", route.Provider);
        Assert.Equal(0.2m, route.Cost!.Total); // 1M input × 0.2 (gpt-5.4-nano)
        Assert.Equal("gpt-5.4-nano", route.Cost.PricedAs);
        Assert.Equal(0.2m, client.GetCostReport().ByProvider["b"]);
        Assert.False(client.GetCostReport().ByProvider.ContainsKey("a"));
    }

    [Fact]
    public async Task Prices_from_configuration_override_the_table_without_a_rebuild()
    {
        var file = Path.Combine(Path.GetTempPath(), $"flexiai-prices-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"data_date":"2026-11-01","providers":[{"id":"mine","types":["openai"],"models":[{"id":"house-model","match":{"starts_with":"house-model"},"prices":[{"input":1,"output":2}]}]}]}""", Token);
        try
        {
            var json = $$"""
                {
                  "providers": [ { "name": "p", "type": "openai", "model": "gpt-5.4-mini", "api_key": "sk-test-0000000000000000" },
                                 { "name": "q", "type": "openai", "model": "house-model-v2", "api_key": "sk-test-0000000000000000" } ],
                  "pricing": { "file": {{System.Text.Json.JsonSerializer.Serialize(file)}}, "models": { "gpt-5.4-mini": { "input": 10, "output": 20, "cache_read": 1 } } }
                }
                """;
            var options = FlexiAIConfiguration.LoadJson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
            options.Providers[0].ChatClient = new UsageChatClient(Usage(1_000_000, 1_000_000));
            options.Providers[1].ChatClient = new UsageChatClient(Usage(1_000_000, 1_000_000));
            options.Providers[1].Priority = 2;
            options.Providers[0].Priority = 1;
            using var client = Client(options);

            Assert.Equal(30m, (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Cost!.Total);
            Assert.Equal("configuration", client.GetModelPrice("p")!.Source);
            Assert.Equal(2m, client.GetModelPrice("q")!.OutputPerMillion);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cumulative_totals_are_exact_to_the_micro_dollar_under_concurrency()
    {
        // 7 input + 3 output tokens of gpt-5.4-nano: 7 × 0.2 + 3 × 1.25 = 5.15 micro-dollars a request.
        using var client = Client(Options(Provider("p", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(7, 3)), 1)));

        await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token }, async (i, ct) =>
        {
            var options = new ChatOptions { AdditionalProperties = new() { ["flexiai.tag"] = i % 2 == 0 ? "alice" : "bob" } };
            await client.GetResponseAsync("hi", options, ct);
        });

        var report = client.GetCostReport();
        Assert.Equal(0.00206m, report.Total); // 400 × 5.15e-6
        Assert.Equal(400, report.Requests);
        Assert.Equal(0.00103m, report.ByTag["alice"]);
        Assert.Equal(0.00103m, report.ByTag["bob"]);
        Assert.Equal(0.00206m, report.ByModel["gpt-5.4-nano"]);
    }

    [Fact]
    public async Task Tags_beyond_the_cap_are_folded_into_other()
    {
        var options = Options(Provider("p", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(1_000_000, 0)), 1));
        options.Cost.MaxTags = 2;
        using var client = Client(options);

        foreach (var tag in new[] { "t1", "t2", "t3", "t4", "t1" })
        {
            await client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["flexiai.tag"] = tag } }, Token);
        }

        await client.GetResponseAsync("untagged", cancellationToken: Token);

        var byTag = client.GetCostReport().ByTag;
        Assert.Equal(["(none)", "other", "t1", "t2"], byTag.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((0.4m, 0.4m, 0.2m), (byTag["t1"], byTag["other"], byTag["t2"]));
        Assert.Contains("\"by_tag\"", client.GetCostReport().ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_and_this_month_roll_over_by_the_clients_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        using var client = Client(Options(Provider("p", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(1_000_000, 0)), 1)), time);

        await client.GetResponseAsync("hi", cancellationToken: Token);
        time.Advance(TimeSpan.FromHours(2)); // 2026-12-01 01:00
        await client.GetResponseAsync("hi", cancellationToken: Token);

        Assert.Equal(0.2m, client.GetCostReport(CostPeriod.Today).Total);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), client.GetCostReport(CostPeriod.Today).From);
        Assert.Equal(0.2m, client.GetCostReport(CostPeriod.ThisMonth).Total);
        Assert.Equal(0.4m, client.GetCostReport(CostPeriod.SinceStart).Total);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0m, client.GetCostReport(CostPeriod.Today).Total);
    }

    [Fact]
    public async Task The_after_response_hook_sees_the_cost()
    {
        using var client = Client(Options(Provider("p", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(1_000_000, 0)), 1)));
        RequestCost? seen = null;
        client.Hooks.OnAfterResponse((ctx, _) =>
        {
            seen = ctx.Cost;
            return ValueTask.CompletedTask;
        });

        await client.GetResponseAsync("hi", cancellationToken: Token);

        Assert.Equal(0.2m, seen!.Total);
    }

    [Fact]
    public async Task A_streamed_response_carries_its_cost_on_the_final_route()
    {
        using var client = Client(Options(Provider("p", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(1_000_000, 0)), 1)));

        var response = await client.GetStreamingResponseAsync("hi", cancellationToken: Token).ToChatResponseAsync(Token);

        Assert.Equal(0.2m, response.GetRoute().Cost!.Total);
    }

    [Fact]
    public void Estimates_count_openai_tokens_with_o200k_and_give_a_minimum_and_maximum()
    {
        using var client = Client(Options(
            Provider("o", "openai", "gpt-5.4-nano", new UsageChatClient(null), 1),
            Provider("a", "anthropic", "claude-sonnet-5", new UsageChatClient(null), 2),
            Provider("x", "openai", "my-local-llama", new UsageChatClient(null), 3)));

        var estimate = client.EstimateCost([new ChatMessage(ChatRole.User, "hello")], new ChatOptions { MaxOutputTokens = 1_000 });

        var openai = estimate.Providers[0];
        // OpenAI's documented count for one user message "hello": 3 per message + 1 (role) + 1 (text) + 3 reply priming.
        Assert.Equal((8, TokenCountMethod.O200k), (openai.InputTokens, openai.Method));
        Assert.Equal(0.0000016m, openai.MinimumCost); // 8 × 0.2 / 1e6
        Assert.Equal(0.0012516m, openai.MaximumCost); // + 1,000 × 1.25 / 1e6
        var claude = estimate.Providers[1];
        Assert.Equal((6, TokenCountMethod.Approximation), (claude.InputTokens, claude.Method)); // ⌈5 / 4⌉ + 4
        Assert.Null(estimate.Providers[2].MinimumCost);
    }
}
