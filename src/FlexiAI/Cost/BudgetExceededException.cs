using System.Globalization;

namespace FlexiAI;

/// <summary>
/// A budget's hard limit refused a request: the spending so far plus the request's estimated maximum cost would pass it.
/// Thrown, before any network call, when no provider was admitted because of budgets; also recorded among a failed
/// request's errors for each provider a budget skipped.
/// </summary>
public sealed class BudgetExceededException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="provider">The provider that was refused.</param>
    /// <param name="budget">The budget whose limit would be passed.</param>
    /// <param name="spent">What the budget's period has spent so far, in USD.</param>
    /// <param name="estimate">The request's estimated maximum cost on the provider, in USD.</param>
    /// <param name="resetsAt">When the budget's period ends; <see langword="null"/> for a total budget.</param>
    public BudgetExceededException(string provider, BudgetOptions budget, decimal spent, decimal estimate, DateTimeOffset? resetsAt)
        : base(Describe(provider, budget, spent, estimate, resetsAt))
    {
        ArgumentNullException.ThrowIfNull(budget);
        Provider = provider;
        Budget = budget;
        Limit = budget.Limit ?? 0;
        Spent = spent;
        Estimate = estimate;
        ResetsAt = resetsAt;
    }

    /// <summary>Gets the provider that was refused.</summary>
    public string Provider { get; }

    /// <summary>Gets the budget whose limit would be passed.</summary>
    public BudgetOptions Budget { get; }

    /// <summary>Gets the hard limit, in USD.</summary>
    public decimal Limit { get; }

    /// <summary>Gets what the budget's period had spent, in USD.</summary>
    public decimal Spent { get; }

    /// <summary>Gets the request's estimated maximum cost on the provider, in USD.</summary>
    public decimal Estimate { get; }

    /// <summary>Gets when the budget's period ends and spending starts again from zero; <see langword="null"/> for a total budget.</summary>
    public DateTimeOffset? ResetsAt { get; }

    private static string Describe(string provider, BudgetOptions budget, decimal spent, decimal estimate, DateTimeOffset? resetsAt)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var c = CultureInfo.InvariantCulture;
        var reset = resetsAt is { } at ? $" It resets at {at.ToString("O", c)}." : " It never resets.";
        return $"Provider '{provider}' was refused by the {budget.Description} budget: spent ${spent.ToString("0.######", c)} of ${(budget.Limit ?? 0).ToString("0.######", c)}, and this request may cost up to ${estimate.ToString("0.######", c)}.{reset} Raise the limit, lower MaxOutputTokens, or route to a cheaper provider.";
    }
}
