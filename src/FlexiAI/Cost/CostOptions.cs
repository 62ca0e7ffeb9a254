namespace FlexiAI;

/// <summary>Cost settings: price overrides, budgets, and how many distinct tags the cost report keeps.</summary>
public sealed class CostOptions
{
    /// <summary>The default of <see cref="MaxTags"/>.</summary>
    public const int DefaultMaxTags = 100;

    /// <summary>Gets or sets the price overrides and extra prices (JSON <c>pricing</c>).</summary>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>Gets the budgets (JSON <c>budgets</c>): limits per period, globally, per provider or per tag.</summary>
    public IList<BudgetOptions> Budgets { get; } = [];

    /// <summary>
    /// Gets or sets how many distinct tags (<c>ChatOptions.AdditionalProperties["flexiai.tag"]</c>) the cost report keeps per period;
    /// spending of further tags is reported under <c>other</c>. Default 100 (JSON <c>cost.max_tags</c>).
    /// </summary>
    public int MaxTags { get; set; } = DefaultMaxTags;

    /// <summary>Gets or sets where budget spending is kept; default: in this process's memory. A shared store lets a fleet share budgets.</summary>
    public IBudgetStore? BudgetStore { get; set; }

    /// <summary>Creates a copy (the budget store is shared, not copied).</summary>
    /// <returns>The copy.</returns>
    public CostOptions Clone()
    {
        var clone = new CostOptions { Pricing = Pricing.Clone(), MaxTags = MaxTags, BudgetStore = BudgetStore };
        foreach (var budget in Budgets)
        {
            clone.Budgets.Add(budget.Clone());
        }

        return clone;
    }
}
