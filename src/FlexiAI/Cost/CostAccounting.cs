using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// A client's cost machinery, kept across reloads: the ledger (cumulative totals), the default budget store, which soft
/// limits already warned in which period, and which unknown models were already named in a warning. Each provider set gets
/// its prices and budgets from <see cref="Prepare"/>.
/// </summary>
internal sealed class CostAccounting
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<BudgetWarning> _warn;
    private readonly ConcurrentDictionary<string, byte> _warnedModels = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _warnedPeriods = new(StringComparer.Ordinal);
    private readonly InMemoryBudgetStore _defaultStore = new();

    public CostAccounting(TimeProvider time, ILogger logger, int maxTags, Action<BudgetWarning> warn)
    {
        _time = time;
        _logger = logger;
        _warn = warn;
        Ledger = new CostLedger(time, maxTags);
        Subscriber = new CostSubscriber(this);
    }

    /// <summary>Gets or sets the budget store of the fleet's shared store (<c>circuit_breaker.store</c>), used when the cost options name none.</summary>
    public IBudgetStore? FleetBudgetStore { get; set; }

    public CostLedger Ledger { get; }

    public CostSubscriber Subscriber { get; }

    public TimeProvider Time => _time;

    public ILogger Logger => _logger;

    /// <summary>Gets the budgets of the configuration prepared last (the one in use), or <see langword="null"/> when none are configured.</summary>
    public BudgetTracker? Budgets { get => Volatile.Read(ref _budgets); private set => Volatile.Write(ref _budgets, value); }

    private BudgetTracker? _budgets;

    /// <summary>Builds the prices (shipped table, overlaid by the pricing file, overlaid by configured models) and budgets of one configuration.</summary>
    /// <exception cref="ConfigurationException">The pricing file cannot be read.</exception>
    public CostSetup Prepare(FlexiAIOptions options)
    {
        var cost = options.Cost;
        PricingTable? file = null;
        if (cost.Pricing.File is { Length: > 0 } path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                file = PricingTable.Load(stream);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ConfigurationException("pricing.file", $"The pricing file '{path}' cannot be used: {ex.Message} Give the path of a JSON file in the format of src/FlexiAI/Cost/pricing.json (data_date, providers[].models[]), or remove pricing.file.");
            }
        }

        var budgets = cost.Budgets.Count > 0 ? new BudgetTracker(this, [.. cost.Budgets], cost.BudgetStore ?? FleetBudgetStore ?? _defaultStore) : null;
        Budgets = budgets;
        return new CostSetup(this, cost.Pricing.Models, file, budgets);
    }

    /// <summary>Resolves one provider's price; an unknown model is named in one warning per client.</summary>
    public ProviderPricing Resolve(CostSetup setup, ProviderOptions provider, ProviderAdapter adapter)
    {
        var type = provider.EffectiveType;
        var model = provider.Model ?? string.Empty;
        var (method, reasoning) = ProviderTokenRules.For(type);
        // A provider given as a client in code may have no model name: its price is unknown (no warning to give).
        // A local Ollama model costs nothing per token: priced at zero, not unknown (a pricing override still wins).
        var periods = model.Length == 0 ? [] : setup.Find(model, type);
        if (periods.Length == 0 && string.Equals(type, ProviderTypes.Ollama, StringComparison.OrdinalIgnoreCase))
        {
            periods = [(DateTimeOffset.MinValue, new ModelPrice { Model = model, InputPerMillion = 0m, OutputPerMillion = 0m })];
        }

        if (periods.Length == 0 && model.Length > 0 && _warnedModels.TryAdd(model, 0))
        {
            CostLog.UnknownModel(_logger, provider.Name, model);
        }

        int? maxOutput;
        try
        {
            maxOutput = adapter.DescribeModel(model).MaxOutputTokens;
        }
#pragma warning disable CA1031 // A custom adapter that cannot describe its model leaves the limit unknown.
        catch (Exception)
#pragma warning restore CA1031
        {
            maxOutput = null;
        }

        return new ProviderPricing(provider.Name, model, periods, reasoning, method) { MaxOutputTokens = maxOutput, Budgets = setup.Budgets };
    }

    /// <summary>Raises a soft-limit warning once per budget and period.</summary>
    public void SoftLimitReached(BudgetOptions budget, string periodKey, decimal spent, DateTimeOffset periodStart, DateTimeOffset? resetsAt)
    {
        if (!_warnedPeriods.TryAdd(periodKey, 0))
        {
            return;
        }

        var c = System.Globalization.CultureInfo.InvariantCulture;
        CostLog.SoftLimitReached(_logger, budget.Description, spent, budget.SoftLimit ?? 0, budget.Limit?.ToString(c) ?? "none", resetsAt?.ToString("O", c) ?? "never");
        _warn(new BudgetWarning(budget, spent, periodStart, resetsAt));
    }

    /// <summary>Estimates a request on every enabled provider of <paramref name="set"/>, in routing order.</summary>
    public CostEstimate Estimate(ProviderSet set, IList<ChatMessage> messages, ChatOptions? options)
    {
        var now = _time.GetUtcNow();
        int? o200k = null, approximate = null;
        var estimates = new List<ProviderCostEstimate>(set.Ordered.Length);
        foreach (var provider in set.Ordered)
        {
            var pricing = provider.Pricing;
            var method = pricing?.Method ?? TokenCountMethod.Approximation;
            var tokens = method == TokenCountMethod.O200k
                ? o200k ??= TokenEstimator.CountO200k(messages, options)
                : approximate ??= TokenEstimator.Approximate(messages, options);
            var maxOutput = options?.MaxOutputTokens ?? pricing?.MaxOutputTokens;
            decimal? min = null;
            decimal? max = null;
            if (pricing?.RatesAt(now) is { } rates)
            {
                var (minPico, maxPico) = Range(rates, tokens, maxOutput ?? 0);
                min = minPico / 1_000_000_000_000m;
                max = maxOutput is null ? null : maxPico / 1_000_000_000_000m;
            }

            estimates.Add(new ProviderCostEstimate(provider.Name, provider.Model, tokens, maxOutput, method, min, max));
        }

        return new CostEstimate(estimates);
    }

    /// <summary>The cost of <paramref name="inputTokens"/> of uncached input alone, and with <paramref name="outputTokens"/> of output (pico-dollars).</summary>
    public static (long Min, long Max) Range(PriceRates baseRates, long inputTokens, long outputTokens)
    {
        var rates = baseRates.For(inputTokens);
        var min = inputTokens * rates.Input;
        return (min, min + (outputTokens * rates.Output));
    }
}
