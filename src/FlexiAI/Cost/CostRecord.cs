namespace FlexiAI;

/// <summary>One billed attempt as the ledger recorded it (what a meter's <c>flexiai.cost</c> counter needs).</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The provider's model, as configured.</param>
/// <param name="Tag">The request's tag, or <see langword="null"/>.</param>
/// <param name="PicoDollars">The cost in pico-dollars (10⁻¹² USD).</param>
internal readonly record struct CostRecord(string Provider, string Model, string? Tag, long PicoDollars)
{
    public double Usd => PicoDollars / 1e12;
}
