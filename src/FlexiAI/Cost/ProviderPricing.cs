namespace FlexiAI;

/// <summary>
/// One provider's model price, resolved once when the provider set is built: the dated rates (none for an unknown
/// model), how to read the provider's usage, and how to count its tokens for estimates.
/// </summary>
internal sealed class ProviderPricing
{
    private readonly (DateTimeOffset From, PriceRates Rates)[] _periods;

    public ProviderPricing(string provider, string model, (DateTimeOffset From, ModelPrice Price)[] periods, bool reasoningOutsideOutput, TokenCountMethod method)
    {
        Provider = provider;
        Model = model;
        Prices = periods;
        _periods = [.. periods.Select(p => (p.From, PriceRates.From(p.Price)))];
        ReasoningOutsideOutput = reasoningOutsideOutput;
        Method = method;
    }

    public string Provider { get; }

    /// <summary>Gets the model's output limit, when known (the maximum of an estimate when the request sets none).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Gets the budgets of the provider's configuration, when any.</summary>
    public BudgetTracker? Budgets { get; init; }

    /// <summary>Gets the model as configured.</summary>
    public string Model { get; }

    public (DateTimeOffset From, ModelPrice Price)[] Prices { get; }

    public bool IsKnown => _periods.Length > 0;

    /// <summary>Gets a value indicating whether the provider reports reasoning tokens apart from output tokens (Gemini's <c>thoughtsTokenCount</c>), billed as output.</summary>
    public bool ReasoningOutsideOutput { get; }

    public TokenCountMethod Method { get; }


    public PriceRates? RatesAt(DateTimeOffset now)
    {
        var periods = _periods;
        for (var i = periods.Length - 1; i >= 0; i--)
        {
            if (i == 0 || now >= periods[i].From)
            {
                return periods[i].Rates;
            }
        }

        return null;
    }

    public ModelPrice? PriceAt(DateTimeOffset now)
    {
        for (var i = Prices.Length - 1; i >= 0; i--)
        {
            if (i == 0 || now >= Prices[i].From)
            {
                return Prices[i].Price;
            }
        }

        return null;
    }
}
