using System.Text.Json;

namespace FlexiAI;

/// <summary>Writes the cost settings into a configuration export (only what differs from the defaults, so exports without cost settings are unchanged).</summary>
internal static class CostJsonWriter
{
    public static void Write(Utf8JsonWriter w, CostOptions cost)
    {
        if (cost.Pricing.File is not null || cost.Pricing.Models.Count > 0)
        {
            w.WriteStartObject("pricing");
            if (cost.Pricing.File is { } file)
            {
                w.WriteString("file", file);
            }

            if (cost.Pricing.Models.Count > 0)
            {
                w.WriteStartObject("models");
                foreach (var (name, price) in cost.Pricing.Models)
                {
                    w.WriteStartObject(name);
                    w.WriteNumber("input", price.InputPerMillion);
                    w.WriteNumber("output", price.OutputPerMillion);
                    Optional(w, "cache_read", price.CachedInputPerMillion);
                    Optional(w, "cache_write", price.CacheWritePerMillion);
                    if (price.ContextWindow is { } context)
                    {
                        w.WriteNumber("context_window", context);
                    }

                    if (price.Tiers.Count > 0)
                    {
                        w.WriteStartArray("tiers");
                        foreach (var tier in price.Tiers)
                        {
                            w.WriteStartObject();
                            w.WriteNumber("above", tier.AboveInputTokens);
                            w.WriteNumber("input", tier.InputPerMillion);
                            w.WriteNumber("output", tier.OutputPerMillion);
                            Optional(w, "cache_read", tier.CachedInputPerMillion);
                            Optional(w, "cache_write", tier.CacheWritePerMillion);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (cost.Budgets.Count > 0)
        {
            w.WriteStartArray("budgets");
            foreach (var budget in cost.Budgets)
            {
                w.WriteStartObject();
                w.WriteString("scope", budget.Scope.ToString().ToLowerInvariant());
                if (budget.Name is { } name)
                {
                    w.WriteString("name", name);
                }

                w.WriteString("period", budget.Period.ToString().ToLowerInvariant());
                Optional(w, "limit", budget.Limit);
                Optional(w, "soft_limit", budget.SoftLimit);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (cost.MaxTags != CostOptions.DefaultMaxTags)
        {
            w.WriteStartObject("cost");
            w.WriteNumber("max_tags", cost.MaxTags);
            w.WriteEndObject();
        }
    }

    private static void Optional(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
