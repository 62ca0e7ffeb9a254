using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Prices every billed attempt from the usage its provider reported: the answering one (its cost goes on the route report
/// and the after-response hook) and failed ones that reported usage (a stream cut after some output). Adds each cost to
/// the ledger and, when the configuration has budgets, to the budget store. An unknown price or usage leaves the cost
/// unknown (null), never zero.
/// </summary>
internal sealed class CostSubscriber(CostAccounting cost) : RequestEventSubscriber
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of a request's tag (a user, a session, a feature).</summary>
    public const string TagKey = "flexiai.tag";

    public override bool Wants(RequestEventKinds kind) => kind is RequestEventKinds.AttemptSucceeded or RequestEventKinds.AttemptFailed;

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        var pricing = e.Provider.Pricing;
        if (pricing is null)
        {
            return default;
        }

        var now = cost.Time.GetUtcNow();
        if (pricing.RatesAt(now) is not { } rates || !CostParts.TryCompute(rates, e.Usage, pricing.ReasoningOutsideOutput, out var parts))
        {
            cost.Ledger.RecordUnpriced();
            return default;
        }

        var state = e.Request;
        state.Cost = new RequestCost(rates.PricedAs, parts.Input, parts.CacheRead, parts.CacheWrite, parts.Output, state.Cost?.FailedPico ?? 0);
        var tag = TagOf(state.Options);
        var total = parts.Total;
        cost.Ledger.Record(pricing, tag, total, now);
        return pricing.Budgets is { } budgets ? budgets.RecordAsync(pricing.Provider, tag, total, cancellationToken) : default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        var pricing = e.Provider.Pricing;
        if (pricing is null || e.Usage is null)
        {
            return default;
        }

        if (pricing.RatesAt(cost.Time.GetUtcNow()) is not { } rates || !CostParts.TryCompute(rates, e.Usage, pricing.ReasoningOutsideOutput, out var parts))
        {
            cost.Ledger.RecordUnpriced();
            return default;
        }

        var state = e.Request;
        var failed = (state.Cost?.FailedPico ?? 0) + parts.Total;
        state.Cost = new RequestCost(rates.PricedAs, 0, 0, 0, 0, failed);
        var tag = TagOf(state.Options);
        cost.Ledger.Record(pricing, tag, parts.Total);
        return pricing.Budgets is { } budgets ? budgets.RecordAsync(pricing.Provider, tag, parts.Total, cancellationToken) : default;
    }

    internal static string? TagOf(ChatOptions? options) =>
        options?.AdditionalProperties is { Count: > 0 } props && props.TryGetValue(TagKey, out var value) && value is not null
            ? value as string ?? value.ToString()
            : null;
}
