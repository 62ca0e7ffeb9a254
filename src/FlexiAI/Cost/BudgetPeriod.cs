namespace FlexiAI;

/// <summary>The period a budget's spending is counted over, by the client's <see cref="TimeProvider"/> in UTC.</summary>
public enum BudgetPeriod
{
    /// <summary>A calendar day (UTC); resets at midnight.</summary>
    Day,

    /// <summary>A calendar month (UTC); resets on the first at midnight.</summary>
    Month,

    /// <summary>Never resets.</summary>
    Total,
}
