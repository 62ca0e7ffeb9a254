namespace FlexiAI;

/// <summary>
/// One configured budget and what has been spent in its current period (from the budget store: this process, or the whole
/// fleet with a shared store). Returned by <see cref="FlexiAIClient.GetBudgetStatusAsync"/>.
/// </summary>
public sealed class BudgetStatus
{
    internal BudgetStatus(BudgetOptions budget, decimal? spent, DateTimeOffset? periodStart, DateTimeOffset? resetsAt)
    {
        Scope = budget.Scope;
        Name = budget.Name;
        Period = budget.Period;
        Limit = budget.Limit;
        SoftLimit = budget.SoftLimit;
        Description = budget.Description;
        Spent = spent;
        PeriodStart = periodStart;
        ResetsAt = resetsAt;
    }

    /// <summary>Gets what the budget counts (every request, one provider, or one tag).</summary>
    public BudgetScope Scope { get; }

    /// <summary>Gets the provider or tag the budget counts, or <see langword="null"/> for a global budget.</summary>
    public string? Name { get; }

    /// <summary>Gets the budget's period.</summary>
    public BudgetPeriod Period { get; }

    /// <summary>Gets the hard limit in US dollars (requests that would exceed it are rerouted or refused), if any.</summary>
    public decimal? Limit { get; }

    /// <summary>Gets the soft limit in US dollars (a warning once per period), if any.</summary>
    public decimal? SoftLimit { get; }

    /// <summary>Gets a short description, e.g. <c>provider 'openai' daily</c>.</summary>
    public string Description { get; }

    /// <summary>Gets what was spent in the current period in US dollars, or <see langword="null"/> when the budget store did not answer in time.</summary>
    public decimal? Spent { get; }

    /// <summary>Gets when the current period started (UTC), or <see langword="null"/> for a total budget.</summary>
    public DateTimeOffset? PeriodStart { get; }

    /// <summary>Gets when the current period ends and the count starts again (UTC), or <see langword="null"/> for a total budget.</summary>
    public DateTimeOffset? ResetsAt { get; }

    /// <summary>Gets the share of the hard limit used (0 to 1 and beyond), or <see langword="null"/> without a hard limit or an answer from the store.</summary>
    public double? Used => Limit is > 0 && Spent is { } spent ? (double)(spent / Limit.Value) : null;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Description}: spent {Spent?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} of {Limit?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "no limit"} USD";
}
