namespace FlexiAI;

/// <summary>The period a cost report covers, by the client's <see cref="TimeProvider"/> in UTC.</summary>
public enum CostPeriod
{
    /// <summary>Since the client was created.</summary>
    SinceStart,

    /// <summary>Today (UTC), since midnight.</summary>
    Today,

    /// <summary>This month (UTC), since the first at midnight.</summary>
    ThisMonth,
}
