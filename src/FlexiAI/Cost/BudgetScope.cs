namespace FlexiAI;

/// <summary>What a budget counts.</summary>
public enum BudgetScope
{
    /// <summary>Every request of the client.</summary>
    Global,

    /// <summary>Requests answered (or billed) by one provider, named by <see cref="BudgetOptions.Name"/>.</summary>
    Provider,

    /// <summary>Requests carrying one tag (<c>ChatOptions.AdditionalProperties["flexiai.tag"]</c>), named by <see cref="BudgetOptions.Name"/>.</summary>
    Tag,
}
