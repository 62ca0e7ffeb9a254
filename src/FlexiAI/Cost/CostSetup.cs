namespace FlexiAI;

/// <summary>The prices and budgets of one configuration (one provider set).</summary>
internal sealed class CostSetup(CostAccounting owner, IDictionary<string, ModelPrice> overrides, PricingTable? file, BudgetTracker? budgets)
{
    public CostAccounting Owner => owner;

    public BudgetTracker? Budgets => budgets;

    /// <summary>Finds a model's dated prices: a configured model first, then the pricing file, then the shipped table; empty when unknown.</summary>
    public (DateTimeOffset From, ModelPrice Price)[] Find(string model, string? providerType)
    {
        foreach (var candidate in ModelNames.Candidates(model))
        {
            if (overrides.TryGetValue(candidate, out var price))
            {
                return [(DateTimeOffset.MinValue, price.Source.Length == 0 ? price with { Source = "configuration" } : price)];
            }
        }

        if (overrides.Count > 0)
        {
            foreach (var (name, price) in overrides)
            {
                if (string.Equals(ModelNames.Normalize(name), ModelNames.Normalize(model), StringComparison.Ordinal))
                {
                    return [(DateTimeOffset.MinValue, price.Source.Length == 0 ? price with { Source = "configuration" } : price)];
                }
            }
        }

        var priced = file?.Resolve(model, providerType) ?? PricingTable.Default.Resolve(model, providerType);
        return priced?.Periods ?? [];
    }
}
