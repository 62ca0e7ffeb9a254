namespace FlexiAI;

/// <summary>
/// One provider's model facts: limits by model family and the retirement dates the provider's official SDK lists for exact
/// model names. Each provider folder holds its own table. The context window comes from the shipped pricing table
/// (<see cref="PricingTable"/>, generated from genai-prices) when it knows the model; the families below fill in what it lacks
/// (the output limit always — the source has none — and the context window of models it does not list).
/// </summary>
/// <remarks>
/// A family matches a model name that starts with it followed by the end, <c>-</c> or <c>@</c> (so <c>gpt-5</c> matches
/// <c>gpt-5-mini</c> but not <c>gpt-5.5</c>); the longest matching family wins.
/// </remarks>
internal sealed class ModelTable
{
    private readonly (string Prefix, int Context, int MaxOutput)[] _families;
    private readonly Dictionary<string, (DateOnly RetiresOn, string? Replacement)> _retirements;
    private readonly string? _providerType;

    /// <summary>Initializes a new instance of the <see cref="ModelTable"/> class.</summary>
    /// <param name="families">Model name prefixes with their context window and output limit.</param>
    /// <param name="retirements">Exact model names with their end-of-life date and the suggested replacement (if the SDK names one).</param>
    /// <param name="providerType">The provider type whose prices are searched first for the context window; <see langword="null"/> for the hand-written families only.</param>
    public ModelTable((string Prefix, int Context, int MaxOutput)[] families, (string Model, DateOnly RetiresOn, string? Replacement)[] retirements, string? providerType = null)
    {
        _providerType = providerType;
        // Longest family first, so "claude-opus-4-5" wins over "claude-opus-4".
        _families = [.. families.OrderByDescending(f => f.Prefix.Length)];
        _retirements = retirements.ToDictionary(r => r.Model, r => (r.RetiresOn, r.Replacement), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Describes a model: its family's limits and, for a deprecated model, its retirement date and replacement.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The description; unknown limits are <see langword="null"/>.</returns>
    public ProviderModelInfo Describe(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var info = ProviderModelInfo.Unknown(model);
        foreach (var (prefix, context, maxOutput) in _families)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (model.Length == prefix.Length || model[prefix.Length] is '-' or '@'))
            {
                info = info with { ContextWindow = context, MaxOutputTokens = maxOutput };
                break;
            }
        }

        if (_providerType is not null && PricingTable.Default.Resolve(model, _providerType, ownProvidersOnly: true)?.ContextWindow is { } window)
        {
            info = info with { ContextWindow = window };
        }

        return _retirements.TryGetValue(model, out var retirement)
            ? info with { RetiresOn = retirement.RetiresOn, Replacement = retirement.Replacement }
            : info;
    }
}
