namespace FlexiAI;

/// <summary>
/// Prices that replace or extend the shipped table without a rebuild: a JSON file of the shipped table's shape
/// (<see cref="File"/>) and single models (<see cref="Models"/>). A model given here wins over the file, and the file over the
/// shipped table.
/// </summary>
public sealed class PricingOptions
{
    /// <summary>Gets or sets a pricing table file (the format of <c>src/FlexiAI/Cost/pricing.json</c>) whose models win over the shipped ones.</summary>
    public string? File { get; set; }

    /// <summary>Gets the models priced here, by name (matched ignoring case, after a Vertex path, <c>@version</c> or snapshot date is stripped).</summary>
    public IDictionary<string, ModelPrice> Models { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public PricingOptions Clone()
    {
        var clone = new PricingOptions { File = File };
        foreach (var (name, price) in Models)
        {
            clone.Models[name] = price;
        }

        return clone;
    }
}
