using System.Text.Json;

namespace FlexiAI;

/// <summary>
/// What a client spent in a period (<see cref="FlexiAIClient.GetCostReport(CostPeriod)"/>): the total, and the totals per
/// provider, per model and per tag (<c>ChatOptions.AdditionalProperties["flexiai.tag"]</c>; tags past the cap are under
/// <c>other</c>, untagged requests under <c>(none)</c>). Amounts are US dollars, exact to the micro-dollar.
/// </summary>
public sealed class CostReport
{
    internal CostReport(CostPeriod period, DateTimeOffset from, DateTimeOffset asOf, decimal total, long requests, long unpriced,
        IReadOnlyDictionary<string, decimal> byProvider, IReadOnlyDictionary<string, decimal> byModel, IReadOnlyDictionary<string, decimal> byTag)
    {
        Period = period;
        From = from;
        AsOf = asOf;
        Total = total;
        Requests = requests;
        UnpricedRequests = unpriced;
        ByProvider = byProvider;
        ByModel = byModel;
        ByTag = byTag;
    }

    /// <summary>Gets the period.</summary>
    public CostPeriod Period { get; }

    /// <summary>Gets the start of the period.</summary>
    public DateTimeOffset From { get; }

    /// <summary>Gets when the report was taken.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the total spent.</summary>
    public decimal Total { get; }

    /// <summary>Gets the number of priced billed attempts counted.</summary>
    public long Requests { get; }

    /// <summary>Gets the number of billed attempts whose model has no known price (their cost is unknown, not zero, and not in the totals).</summary>
    public long UnpricedRequests { get; }

    /// <summary>Gets the totals per provider name.</summary>
    public IReadOnlyDictionary<string, decimal> ByProvider { get; }

    /// <summary>Gets the totals per model (as configured).</summary>
    public IReadOnlyDictionary<string, decimal> ByModel { get; }

    /// <summary>Gets the totals per tag.</summary>
    public IReadOnlyDictionary<string, decimal> ByTag { get; }

    /// <summary>Writes the report as JSON (snake_case keys, amounts in USD).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("period", Period switch { CostPeriod.Today => "today", CostPeriod.ThisMonth => "this_month", _ => "since_start" });
            w.WriteString("from", From);
            w.WriteString("as_of", AsOf);
            w.WriteString("currency", "USD");
            w.WriteNumber("total", Total);
            w.WriteNumber("requests", Requests);
            w.WriteNumber("unpriced_requests", UnpricedRequests);
            Write(w, "by_provider", ByProvider);
            Write(w, "by_model", ByModel);
            Write(w, "by_tag", ByTag);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, decimal> totals)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in totals.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(key, value);
        }

        w.WriteEndObject();
    }
}
