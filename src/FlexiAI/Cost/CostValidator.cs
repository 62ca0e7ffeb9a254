using System.Globalization;

namespace FlexiAI;

/// <summary>Validates the cost settings: tag cap, budgets (scope, name, limits), configured prices.</summary>
internal static class CostValidator
{
    public static void Validate(FlexiAIOptions options, List<ConfigurationError> errors)
    {
        var cost = options.Cost;
        if (cost.MaxTags < 1)
        {
            errors.Add(new("cost.max_tags", $"is {cost.MaxTags.ToString(CultureInfo.InvariantCulture)}; it must be at least 1 (default {CostOptions.DefaultMaxTags.ToString(CultureInfo.InvariantCulture)})."));
        }

        for (var i = 0; i < cost.Budgets.Count; i++)
        {
            var budget = cost.Budgets[i];
            var path = $"budgets[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (budget is null)
            {
                errors.Add(new(path, "is null; remove the entry or give it a limit."));
                continue;
            }

            if (!Enum.IsDefined(budget.Scope))
            {
                errors.Add(new($"{path}.scope", "is not a budget scope. Use global, provider or tag."));
            }

            if (!Enum.IsDefined(budget.Period))
            {
                errors.Add(new($"{path}.period", "is not a budget period. Use day, month or total."));
            }

            if (budget.Scope is BudgetScope.Provider or BudgetScope.Tag && string.IsNullOrWhiteSpace(budget.Name))
            {
                errors.Add(new($"{path}.name", $"is missing: a {budget.Scope.ToString().ToLowerInvariant()} budget names its {budget.Scope.ToString().ToLowerInvariant()}, e.g. \"name\": \"{(budget.Scope == BudgetScope.Provider ? "openai" : "user-42")}\"."));
            }
            else if (budget.Scope == BudgetScope.Provider && !options.Providers.Any(p => p is not null && string.Equals(p.Name, budget.Name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new($"{path}.name", $"'{budget.Name}' is not a configured provider. Use one of {string.Join(", ", options.Providers.Where(p => p is not null).Select(p => p.Name))}."));
            }

            if (budget.Limit is null && budget.SoftLimit is null)
            {
                errors.Add(new(path, "has neither 'limit' nor 'soft_limit'; give at least one, in US dollars."));
            }

            if (budget.Limit < 0 || budget.SoftLimit < 0)
            {
                errors.Add(new(path, "has a negative limit; limits are US dollars ≥ 0."));
            }

            if (budget.Limit is { } limit && budget.SoftLimit is { } soft && soft > limit)
            {
                errors.Add(new($"{path}.soft_limit", $"({soft.ToString(CultureInfo.InvariantCulture)}) is above the limit ({limit.ToString(CultureInfo.InvariantCulture)}); the warning must come before the refusal."));
            }
        }

        foreach (var (name, price) in cost.Pricing.Models)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0 || price.CacheWritePerMillion < 0)
            {
                errors.Add(new($"pricing.models.{name}", "needs prices ≥ 0 in US dollars per million tokens for input and output."));
            }
        }
    }
}
