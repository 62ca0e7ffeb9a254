namespace FlexiAI;

/// <summary>
/// A spending limit in US dollars for a period, globally, per provider or per tag. The soft limit raises
/// <see cref="FlexiAIClient.BudgetWarning"/> and logs a warning once per period; the hard limit refuses a provider before any
/// call when the request's estimated maximum cost would take the spending past it.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>Gets or sets what the budget counts. Default <see cref="BudgetScope.Global"/>.</summary>
    public BudgetScope Scope { get; set; } = BudgetScope.Global;

    /// <summary>Gets or sets the provider name (for <see cref="BudgetScope.Provider"/>) or the tag (for <see cref="BudgetScope.Tag"/>).</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the period. Default <see cref="BudgetPeriod.Day"/>.</summary>
    public BudgetPeriod Period { get; set; } = BudgetPeriod.Day;

    /// <summary>Gets or sets the hard limit in US dollars; <see langword="null"/> for none (warning only).</summary>
    public decimal? Limit { get; set; }

    /// <summary>Gets or sets the soft limit in US dollars (a warning once per period); <see langword="null"/> for none.</summary>
    public decimal? SoftLimit { get; set; }

    /// <summary>Gets a short description, e.g. <c>provider 'openai' daily</c>.</summary>
    public string Description => Scope switch
    {
        BudgetScope.Provider => $"provider '{Name}' {PeriodText}",
        BudgetScope.Tag => $"tag '{Name}' {PeriodText}",
        _ => $"global {PeriodText}",
    };

    private string PeriodText => Period switch { BudgetPeriod.Day => "daily", BudgetPeriod.Month => "monthly", _ => "total" };

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public BudgetOptions Clone() => new() { Scope = Scope, Name = Name, Period = Period, Limit = Limit, SoftLimit = SoftLimit };

    /// <inheritdoc/>
    public override string ToString() => $"{Description} budget (limit {Limit?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, soft {SoftLimit?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "none"})";
}
