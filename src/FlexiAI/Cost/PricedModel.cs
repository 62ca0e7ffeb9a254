namespace FlexiAI;

/// <summary>One model of the pricing table: its match rule, context window, and prices with the dates they take effect.</summary>
internal sealed class PricedModel(string id, string sourceProvider, MatchRule? match, int? contextWindow, (DateTimeOffset From, ModelPrice Price)[] periods)
{
    public string Id => id;

    public string SourceProvider => sourceProvider;

    public MatchRule? Match => match;

    public int? ContextWindow => contextWindow;

    /// <summary>Gets the prices, oldest first; the first one applies from the beginning of time.</summary>
    public (DateTimeOffset From, ModelPrice Price)[] Periods => periods;

    public ModelPrice At(DateTimeOffset at)
    {
        for (var i = periods.Length - 1; i > 0; i--)
        {
            if (at >= periods[i].From)
            {
                return periods[i].Price;
            }
        }

        return periods[0].Price;
    }
}
