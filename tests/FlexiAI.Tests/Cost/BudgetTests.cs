using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static FlexiAI.Tests.Cost.CostTestSupport;

namespace FlexiAI.Tests.Cost;

/// <summary>Budgets end to end against the emulator (journal counts prove no call was made) and with a fake clock.</summary>
public sealed class BudgetTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hard_budget_on_the_primary_reroutes_to_the_backup_with_no_call_to_the_primary()
    {
        var options = fixture.Options("openai", "anthropic");
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Provider, Name = "openai", Period = BudgetPeriod.Day, Limit = 0.01m });
        using var client = EmulatedProvidersFixture.Client(options);

        // The request may produce up to 1,000,000 output tokens of gpt-5.4-mini ($4.50): over the $0.01 limit.
        var response = await client.GetResponseAsync("hello", new ChatOptions { MaxOutputTokens = 1_000_000 }, Token);

        var route = response.GetRoute();
        Assert.Equal("anthropic", route.Provider);
        Assert.Equal(AttemptOutcome.Skipped, route.Attempts[0].Outcome);
        Assert.Equal("budget: provider 'openai' daily", route.Attempts[0].SkipReason);
        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
        Assert.Equal(1, fixture.Host["anthropic"].Journal.Count);
        // claude-sonnet-5-5 is priced as claude-sonnet-5: 2 in, 10 out per million.
        var usage = response.Usage!;
        Assert.Equal(((usage.InputTokenCount!.Value * 2m) + (usage.OutputTokenCount!.Value * 10m)) / 1_000_000m, route.Cost!.Total);
    }

    [Fact]
    public async Task A_budget_store_that_hangs_fails_open_after_the_store_timeout_and_the_request_is_answered()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var options = fixture.Options("openai");
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = 100m });
        options.Cost.BudgetStore = new HangingBudgetStore();
        using var client = EmulatedProvidersFixture.Client(options, time);

        var pending = client.GetResponseAsync("hello", cancellationToken: Token);
        Assert.False(pending.IsCompleted); // admission waits for the store, bounded by the store timeout on the client's clock
        for (var i = 0; i < 50 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(pending, Task.Delay(50, Token));
        }

        Assert.True(pending.IsCompleted, "a hung budget store held the request: store calls must be bounded and fail open");
        var response = await pending;
        Assert.Equal("openai", response.GetRoute().Provider);
        Assert.Equal(1, fixture.Host["openai"].Journal.Count);
    }

    private sealed class HangingBudgetStore : IBudgetStore
    {
        public ValueTask<long> GetAsync(string key, CancellationToken cancellationToken) => new(new TaskCompletionSource<long>().Task);

        public ValueTask<long> AddAsync(string key, long microDollars, DateTimeOffset? expiresAt, CancellationToken cancellationToken) => new(new TaskCompletionSource<long>().Task);
    }

    [Fact]
    public async Task When_every_provider_is_over_budget_the_request_fails_before_any_call()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var options = fixture.Options("openai", "anthropic");
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = 0.000001m });
        using var client = EmulatedProvidersFixture.Client(options, time);

        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync("hello", cancellationToken: Token));

        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
        Assert.Equal(0, fixture.Host["anthropic"].Journal.Count);
        Assert.Equal((0.000001m, 0m), (error.Limit, error.Spent));
        Assert.True(error.Estimate > error.Limit);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), error.ResetsAt);
        Assert.Equal([AttemptOutcome.Skipped, AttemptOutcome.Skipped], error.Route!.Attempts.Select(a => a.Outcome));
        Assert.Contains("resets at 2026-11-28", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_soft_limit_warns_exactly_once_per_period()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var options = fixture.Options("openai");
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, SoftLimit = 0.000001m });
        using var client = EmulatedProvidersFixture.Client(options, time);
        var warnings = new List<BudgetWarning>();
        client.BudgetWarning += (_, w) => warnings.Add(w);

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync("hello", cancellationToken: Token);
        }

        Assert.Single(warnings);
        time.Advance(TimeSpan.FromDays(1));
        await client.GetResponseAsync("hello", cancellationToken: Token);
        await client.GetResponseAsync("hello", cancellationToken: Token);

        Assert.Equal(2, warnings.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), warnings[1].PeriodStart);
        Assert.Equal(5, fixture.Host["openai"].Journal.Count);
    }

    [Fact]
    public async Task Spending_is_recorded_from_actual_usage_and_a_reset_period_admits_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var primary = new UsageChatClient(Usage(1_000_000, 0)); // $0.20 on gpt-5.4-nano
        var backup = new UsageChatClient(Usage(1, 1));
        var options = Options(Provider("a", "openai", "gpt-5.4-nano", primary, 1), Provider("b", "openai", "gpt-5.4-mini", backup, 2));
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Provider, Name = "a", Period = BudgetPeriod.Day, Limit = 0.2m });
        using var client = Client(options, time);
        var small = new ChatOptions { MaxOutputTokens = 10 };

        Assert.Equal("a", (await client.GetResponseAsync("hi", small, Token)).GetRoute().Provider); // spent 0.20
        Assert.Equal("b", (await client.GetResponseAsync("hi", small, Token)).GetRoute().Provider); // spent 0.20 + this request's estimated maximum > 0.20
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal("a", (await client.GetResponseAsync("hi", small, Token)).GetRoute().Provider);
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task Budget_status_reports_each_budgets_spending_in_its_period_and_a_store_that_does_not_answer_as_unknown()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero));
        var primary = new UsageChatClient(Usage(1_000_000, 0)); // $0.20 on gpt-5.4-nano
        var options = Options(Provider("a", "openai", "gpt-5.4-nano", primary, 1));
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Provider, Name = "a", Period = BudgetPeriod.Day, Limit = 0.8m });
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Month, SoftLimit = 10m });
        using var client = Client(options, time);
        using var none = Client(Options(Provider("a", "openai", "gpt-5.4-nano", primary, 1)), time);
        Assert.Empty(await none.GetBudgetStatusAsync(Token));

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }, Token);
        var status = await client.GetBudgetStatusAsync(Token);

        Assert.Equal(2, status.Count);
        var daily = status[0];
        Assert.Equal(BudgetScope.Provider, daily.Scope);
        Assert.Equal("a", daily.Name);
        Assert.Equal(0.2m, daily.Spent);
        Assert.Equal(0.25, daily.Used!.Value, 6);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), daily.PeriodStart);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), daily.ResetsAt);
        var monthly = status[1];
        Assert.Equal(0.2m, monthly.Spent);
        Assert.Null(monthly.Used); // a soft limit only: no share of a hard limit
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), monthly.ResetsAt);

        // The next day the daily count starts again; the monthly one goes on.
        time.Advance(TimeSpan.FromDays(1));
        status = await client.GetBudgetStatusAsync(Token);
        Assert.Equal(0m, status[0].Spent);
        Assert.Equal(0.2m, status[1].Spent);

        // A store that hangs: bounded, reported as unknown rather than zero.
        var hanging = Options(Provider("a", "openai", "gpt-5.4-nano", primary, 1));
        hanging.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = 1m });
        hanging.Cost.BudgetStore = new HangingBudgetStore();
        using var unanswered = Client(hanging, time);
        var pending = unanswered.GetBudgetStatusAsync(Token);
        for (var i = 0; i < 50 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(pending, Task.Delay(50, Token));
        }

        Assert.Null(Assert.Single(await pending).Spent);
    }

    [Fact]
    public async Task A_tag_budget_counts_only_requests_with_that_tag()
    {
        var options = Options(Provider("a", "openai", "gpt-5.4-nano", new UsageChatClient(Usage(1_000_000, 0)), 1));
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Tag, Name = "user-42", Period = BudgetPeriod.Total, Limit = 0.2m });
        using var client = Client(options);
        var tagged = new ChatOptions { MaxOutputTokens = 10, AdditionalProperties = new() { ["flexiai.tag"] = "user-42" } };

        await client.GetResponseAsync("hi", tagged, Token);
        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }, Token);
        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync("hi", tagged, Token));

        Assert.Equal((0.2m, (DateTimeOffset?)null), (error.Spent, error.ResetsAt));
    }

    [Fact]
    public void Budgets_are_read_from_configuration_and_validated()
    {
        var json = """
            { "providers": [ { "name": "openai", "type": "openai", "model": "gpt-5.4-mini", "api_key": "sk-test-0000000000000000" } ],
              "budgets": [ { "scope": "provider", "name": "openai", "period": "month", "limit": 100, "soft_limit": 80 },
                           { "scope": "tag", "period": "day", "limit": 1 } ],
              "cost": { "max_tags": 10 } }
            """;

        var options = FlexiAIConfiguration.LoadJson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        var errors = FlexiAIConfiguration.Validate(options);

        Assert.Equal((BudgetScope.Provider, BudgetPeriod.Month, 100m, 80m), (options.Cost.Budgets[0].Scope, options.Cost.Budgets[0].Period, options.Cost.Budgets[0].Limit, options.Cost.Budgets[0].SoftLimit));
        Assert.Equal(10, options.Cost.MaxTags);
        Assert.Equal("budgets[1].name", Assert.Single(errors).Path);
    }

    [Fact]
    public void Cost_settings_survive_an_export_and_reload()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Model = "gpt-5.4-mini", ApiKey = "sk-test-0000000000000000" });
        options.Cost.MaxTags = 7;
        options.Cost.Pricing.Models["house"] = new ModelPrice { Model = "house", InputPerMillion = 1.5m, OutputPerMillion = 3m, Tiers = [new PriceTier(1000, 2m, 4m)] };
        options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Provider, Name = "openai", Period = BudgetPeriod.Month, Limit = 5m, SoftLimit = 4m });

        var json = FlexiAIConfiguration.ToJson(options);
        var reloaded = FlexiAIConfiguration.LoadJson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.Equal(7, reloaded.Cost.MaxTags);
        Assert.Equal((1.5m, 3m, 1000L), (reloaded.Cost.Pricing.Models["house"].InputPerMillion, reloaded.Cost.Pricing.Models["house"].OutputPerMillion, reloaded.Cost.Pricing.Models["house"].Tiers[0].AboveInputTokens));
        var budget = Assert.Single(reloaded.Cost.Budgets);
        Assert.Equal((BudgetScope.Provider, "openai", BudgetPeriod.Month, 5m, 4m), (budget.Scope, budget.Name, budget.Period, budget.Limit, budget.SoftLimit));
    }
}
