using System.Globalization;
using System.Text.Json;

namespace FlexiAI;

/// <summary>
/// Model prices: the table shipped with FlexiAI (<see cref="Default"/>, generated from the MIT-licensed genai-prices data of
/// the pydantic project, dated by <see cref="DataDate"/>), or one loaded from a file of the same shape. Names resolve the way
/// users write them: dated snapshots, <c>-latest</c> aliases, <c>@version</c> suffixes and Vertex
/// <c>publishers/google/models/…</c> paths.
/// </summary>
/// <remarks>Prices change; see <c>docs/cost.md</c> for how to refresh the table or override a price in configuration.</remarks>
public sealed class PricingTable
{
    private static readonly Lazy<PricingTable> Shipped = new(LoadShipped);
    private readonly (string Id, string[] Types, string[] Fallback, PricedModel[] Models)[] _providers;

    private PricingTable(DateOnly dataDate, string source, (string, string[], string[], PricedModel[])[] providers)
    {
        DataDate = dataDate;
        Source = source;
        _providers = providers;
    }

    /// <summary>Gets the table shipped with FlexiAI (an embedded resource; no network access).</summary>
    public static PricingTable Default => Shipped.Value;

    /// <summary>Gets the date the prices were taken from their source.</summary>
    public DateOnly DataDate { get; }

    /// <summary>Gets where the prices come from (package and version).</summary>
    public string Source { get; }

    /// <summary>Gets the number of models the table prices.</summary>
    public int Count => _providers.Sum(p => p.Models.Length);

    /// <summary>Loads a table in the shipped format (see <c>eng/pricing/generate-pricing.mjs</c>).</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The table.</returns>
    /// <exception cref="FormatException">The JSON is not a pricing table; the message names the place.</exception>
    public static PricingTable Load(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("data_date", out var dateElement) || !DateOnly.TryParseExact(dateElement.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dataDate))
        {
            throw new FormatException("pricing table: 'data_date' (yyyy-MM-dd) is missing or invalid.");
        }

        var source = root.TryGetProperty("source", out var s) && s.TryGetProperty("package", out var p) ? p.GetString() ?? "unknown" : "unknown";
        var label = $"{source}, {dataDate:yyyy-MM-dd}";
        var providers = new List<(string, string[], string[], PricedModel[])>();
        if (!root.TryGetProperty("providers", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("pricing table: 'providers' (a list) is missing.");
        }

        var index = 0;
        foreach (var provider in list.EnumerateArray())
        {
            var path = $"providers[{index++}]";
            var id = provider.GetProperty("id").GetString()!;
            var types = provider.TryGetProperty("types", out var t) ? t.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
            var fallback = provider.TryGetProperty("fallback", out var f) ? f.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
            var models = new List<PricedModel>();
            var m = 0;
            foreach (var model in provider.GetProperty("models").EnumerateArray())
            {
                models.Add(ParseModel(model, id, $"{path}.models[{m++}]", label));
            }

            providers.Add((id, types, fallback, [.. models]));
        }

        return new PricingTable(dataDate, source, [.. providers]);
    }

    /// <summary>Finds the price of <paramref name="model"/> in force at <paramref name="at"/>.</summary>
    /// <param name="model">The model name as written in configuration (any snapshot, alias or Vertex path).</param>
    /// <param name="providerType">The FlexiAI provider type (<c>openai</c>, <c>anthropic</c>, <c>vertexai</c>), searched first; <see langword="null"/> searches every provider.</param>
    /// <param name="at">The time the price must be in force at; <see langword="null"/> for now.</param>
    /// <returns>The price, or <see langword="null"/> when the table does not know the model.</returns>
    public ModelPrice? Find(string model, string? providerType = null, DateTimeOffset? at = null) =>
        Resolve(model, providerType)?.At(at ?? DateTimeOffset.UtcNow);

    /// <summary>Finds the table's entry for <paramref name="model"/>: each spelling of the name (<see cref="ModelNames"/>), in the providers of <paramref name="providerType"/> first.</summary>
    /// <param name="model">The model name as written.</param>
    /// <param name="providerType">The FlexiAI provider type, or <see langword="null"/>.</param>
    /// <param name="ownProvidersOnly">Search only the providers (and their fallbacks) that price <paramref name="providerType"/> (model facts), not every provider (prices through gateways).</param>
    internal PricedModel? Resolve(string model, string? providerType, bool ownProvidersOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var order = SearchOrder(providerType, ownProvidersOnly && providerType is not null);
        foreach (var candidate in ModelNames.Candidates(model))
        {
            foreach (var provider in order)
            {
                foreach (var priced in _providers[provider].Models)
                {
                    if (priced.Match is { } rule && rule.Matches(candidate))
                    {
                        return priced;
                    }
                }
            }
        }

        return null;
    }

    private List<int> SearchOrder(string? providerType, bool ownOnly)
    {
        var order = new List<int>(_providers.Length);
        if (providerType is not null)
        {
            for (var i = 0; i < _providers.Length; i++)
            {
                if (Array.Exists(_providers[i].Types, t => string.Equals(t, providerType, StringComparison.OrdinalIgnoreCase)))
                {
                    order.Add(i);
                    foreach (var fallback in _providers[i].Fallback)
                    {
                        var f = Array.FindIndex(_providers, x => x.Id == fallback);
                        if (f >= 0 && !order.Contains(f))
                        {
                            order.Add(f);
                        }
                    }
                }
            }
        }

        for (var i = 0; i < _providers.Length && !ownOnly; i++)
        {
            if (!order.Contains(i))
            {
                order.Add(i);
            }
        }

        return order;
    }

    private static PricedModel ParseModel(JsonElement model, string provider, string path, string label)
    {
        var id = model.GetProperty("id").GetString() ?? throw new FormatException($"{path}.id is missing.");
        var match = model.TryGetProperty("match", out var m) ? MatchRule.Parse(m, $"{path}.match") : null;
        int? context = model.TryGetProperty("context_window", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;
        var periods = new List<(DateTimeOffset, ModelPrice)>();
        var i = 0;
        foreach (var prices in model.GetProperty("prices").EnumerateArray())
        {
            var from = prices.TryGetProperty("from", out var fromElement)
                ? new DateTimeOffset(DateOnly.ParseExact(fromElement.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : DateTimeOffset.MinValue;
            periods.Add((from, ParsePrice(prices, id, context, $"{path}.prices[{i++}]", label)));
        }

        if (periods.Count == 0)
        {
            throw new FormatException($"{path}.prices is empty.");
        }

        return new PricedModel(id, provider, match, context, [.. periods.OrderBy(p => p.Item1)]);
    }

    private static ModelPrice ParsePrice(JsonElement prices, string id, int? context, string path, string label)
    {
        var tiers = new List<PriceTier>();
        if (prices.TryGetProperty("tiers", out var tierList))
        {
            foreach (var tier in tierList.EnumerateArray())
            {
                tiers.Add(new PriceTier(tier.GetProperty("above").GetInt64(), Required(tier, "input", path), Required(tier, "output", path), Optional(tier, "cache_read"), Optional(tier, "cache_write")));
            }
        }

        return new ModelPrice
        {
            Model = id,
            InputPerMillion = Required(prices, "input", path),
            OutputPerMillion = Required(prices, "output", path),
            CachedInputPerMillion = Optional(prices, "cache_read"),
            CacheWritePerMillion = Optional(prices, "cache_write"),
            Tiers = [.. tiers.OrderBy(t => t.AboveInputTokens)],
            ContextWindow = context,
            Source = label,
        };
    }

    private static decimal Required(JsonElement element, string name, string path) =>
        Optional(element, name) ?? throw new FormatException($"{path}.{name} is missing.");

    private static decimal? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    private static PricingTable LoadShipped()
    {
        using var stream = typeof(PricingTable).Assembly.GetManifestResourceStream("FlexiAI.Cost.pricing.json")
            ?? throw new InvalidOperationException("The shipped pricing table (FlexiAI.Cost.pricing.json) is missing from the assembly.");
        return Load(stream);
    }
}
