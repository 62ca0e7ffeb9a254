namespace FlexiAI;

/// <summary>
/// One provider's model facts: limits by model family and the retirement dates the provider's official SDK lists for exact
/// model names. Each provider folder holds its own table.
/// </summary>
/// <remarks>
/// A family matches a model name that starts with it followed by the end, <c>-</c> or <c>@</c> (so <c>gpt-5</c> matches
/// <c>gpt-5-mini</c> but not <c>gpt-5.5</c>); the longest matching family wins.
/// </remarks>
internal sealed class ModelTable
{
    private readonly (string Prefix, int Context, int MaxOutput)[] _families;
    private readonly Dictionary<string, (DateOnly RetiresOn, string? Replacement)> _retirements;

    /// <summary>Initializes a new instance of the <see cref="ModelTable"/> class.</summary>
    /// <param name="families">Model name prefixes with their context window and output limit.</param>
    /// <param name="retirements">Exact model names with their end-of-life date and the suggested replacement (if the SDK names one).</param>
    public ModelTable((string Prefix, int Context, int MaxOutput)[] families, (string Model, DateOnly RetiresOn, string? Replacement)[] retirements)
    {
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

        return _retirements.TryGetValue(model, out var retirement)
            ? info with { RetiresOn = retirement.RetiresOn, Replacement = retirement.Replacement }
            : info;
    }
}
