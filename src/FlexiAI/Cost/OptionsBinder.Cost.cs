using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FlexiAI;

/// <summary>Binds the cost keys: <c>pricing</c> (<c>file</c>, <c>models</c>), <c>budgets</c> and <c>cost</c> (<c>max_tags</c>, and <c>pricing</c>/<c>budgets</c> nested).</summary>
internal sealed partial class OptionsBinder
{
    private static readonly string[] PricingKeys = ["file", "models"];
    private static readonly string[] ModelPriceKeys = ["input", "output", "cache_read", "cache_write", "context_window", "tiers"];
    private static readonly string[] TierKeys = ["above", "input", "output", "cache_read", "cache_write"];
    private static readonly string[] BudgetKeys = ["scope", "name", "period", "limit", "soft_limit"];
    private static readonly string[] CostKeys = ["max_tags", "pricing", "budgets"];

    private void BindCost(IConfigurationSection section, CostOptions cost)
    {
        switch (ConfigurationText.Normalize(section.Key))
        {
            case "pricing":
                BindPricing(section, cost.Pricing);
                return;
            case "budgets":
                BindBudgets(section, cost);
                return;
        }

        foreach (var child in Children(section, "cost"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "maxtags":
                    Integer(child, "cost.max_tags", v => cost.MaxTags = v);
                    break;
                case "pricing":
                    BindPricing(child, cost.Pricing);
                    break;
                case "budgets":
                    BindBudgets(child, cost);
                    break;
                default:
                    Unknown(child, $"cost.{child.Key}", CostKeys);
                    break;
            }
        }
    }

    private void BindPricing(IConfigurationSection section, PricingOptions pricing)
    {
        foreach (var child in Children(section, "pricing"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "file":
                    Text(child, "pricing.file", v => pricing.File = v);
                    break;
                case "models":
                    foreach (var model in Children(child, "pricing.models"))
                    {
                        if (BindModelPrice(model, $"pricing.models.{model.Key}") is { } price)
                        {
                            pricing.Models[model.Key] = price;
                        }
                    }

                    break;
                default:
                    Unknown(child, $"pricing.{child.Key}", PricingKeys);
                    break;
            }
        }
    }

    private ModelPrice? BindModelPrice(IConfigurationSection section, string path)
    {
        decimal? input = null, output = null, cacheRead = null, cacheWrite = null;
        int? context = null;
        var tiers = new List<PriceTier>();
        foreach (var child in Children(section, path))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "input":
                    Price(child, $"{path}.input", v => input = v);
                    break;
                case "output":
                    Price(child, $"{path}.output", v => output = v);
                    break;
                case "cacheread":
                    Price(child, $"{path}.cache_read", v => cacheRead = v);
                    break;
                case "cachewrite":
                    Price(child, $"{path}.cache_write", v => cacheWrite = v);
                    break;
                case "contextwindow":
                    Integer(child, $"{path}.context_window", v => context = v);
                    break;
                case "tiers":
                    foreach (var tier in child.GetChildren())
                    {
                        if (BindTier(tier, $"{path}.tiers[{tier.Key}]") is { } t)
                        {
                            tiers.Add(t);
                        }
                    }

                    break;
                default:
                    Unknown(child, $"{path}.{child.Key}", ModelPriceKeys);
                    break;
            }
        }

        if (input is null || output is null)
        {
            Error(section, path, "needs both 'input' and 'output' (US dollars per million tokens), e.g. { \"input\": 0.5, \"output\": 1.5 }.");
            return null;
        }

        return new ModelPrice
        {
            Model = section.Key,
            InputPerMillion = input.Value,
            OutputPerMillion = output.Value,
            CachedInputPerMillion = cacheRead,
            CacheWritePerMillion = cacheWrite,
            ContextWindow = context,
            Tiers = [.. tiers.OrderBy(t => t.AboveInputTokens)],
            Source = "configuration",
        };
    }

    private PriceTier? BindTier(IConfigurationSection section, string path)
    {
        long? above = null;
        decimal? input = null, output = null, cacheRead = null, cacheWrite = null;
        foreach (var child in Children(section, path))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "above":
                    Integer(child, $"{path}.above", v => above = v);
                    break;
                case "input":
                    Price(child, $"{path}.input", v => input = v);
                    break;
                case "output":
                    Price(child, $"{path}.output", v => output = v);
                    break;
                case "cacheread":
                    Price(child, $"{path}.cache_read", v => cacheRead = v);
                    break;
                case "cachewrite":
                    Price(child, $"{path}.cache_write", v => cacheWrite = v);
                    break;
                default:
                    Unknown(child, $"{path}.{child.Key}", TierKeys);
                    break;
            }
        }

        if (above is null || input is null || output is null)
        {
            Error(section, path, "a tier needs 'above' (input tokens), 'input' and 'output', e.g. { \"above\": 200000, \"input\": 2.5, \"output\": 15 }.");
            return null;
        }

        return new PriceTier(above.Value, input.Value, output.Value, cacheRead, cacheWrite);
    }

    private void BindBudgets(IConfigurationSection section, CostOptions cost)
    {
        foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue))
        {
            var path = $"budgets[{child.Key}]";
            var budget = new BudgetOptions();
            foreach (var item in Children(child, path))
            {
                switch (ConfigurationText.Normalize(item.Key))
                {
                    case "scope":
                        Text(item, $"{path}.scope", v =>
                        {
                            if (ConfigurationText.TryParseEnum<BudgetScope>(v, out var scope))
                            {
                                budget.Scope = scope;
                            }
                            else
                            {
                                Error(item, $"{path}.scope", $"'{v}' is not a budget scope. Use global, provider or tag.");
                            }
                        });
                        break;
                    case "name":
                        Text(item, $"{path}.name", v => budget.Name = v);
                        break;
                    case "period":
                        Text(item, $"{path}.period", v =>
                        {
                            if (ConfigurationText.TryParseEnum<BudgetPeriod>(v, out var period))
                            {
                                budget.Period = period;
                            }
                            else
                            {
                                Error(item, $"{path}.period", $"'{v}' is not a budget period. Use day, month or total.");
                            }
                        });
                        break;
                    case "limit":
                        Price(item, $"{path}.limit", v => budget.Limit = v);
                        break;
                    case "softlimit":
                        Price(item, $"{path}.soft_limit", v => budget.SoftLimit = v);
                        break;
                    default:
                        Unknown(item, $"{path}.{item.Key}", BudgetKeys);
                        break;
                }
            }

            cost.Budgets.Add(budget);
        }
    }

    private void Price(IConfigurationSection section, string path, Action<decimal> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            set(value);
        }
        else
        {
            Error(section, path, $"'{text}' is not an amount in US dollars; write a number ≥ 0, e.g. 2.5.");
        }
    }
}
