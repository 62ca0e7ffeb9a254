namespace FlexiAI;

/// <summary>A budget's spending reached its soft limit (raised once per period per client, by <see cref="FlexiAIClient.BudgetWarning"/>).</summary>
/// <param name="Budget">The budget.</param>
/// <param name="Spent">What the period has spent, in USD.</param>
/// <param name="PeriodStart">The start of the period (<see cref="DateTimeOffset.MinValue"/> for a total budget).</param>
/// <param name="ResetsAt">When the period ends; <see langword="null"/> for a total budget.</param>
public sealed record BudgetWarning(BudgetOptions Budget, decimal Spent, DateTimeOffset PeriodStart, DateTimeOffset? ResetsAt);
