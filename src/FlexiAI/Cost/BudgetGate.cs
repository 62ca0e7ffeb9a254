namespace FlexiAI;

/// <summary>Budgets as an admission gate: skips the provider when a hard limit would be passed by the request's estimated maximum cost.</summary>
internal sealed class BudgetGate(BudgetTracker budgets, RoutedProvider provider) : AdmissionGate
{
    public override ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken) =>
        budgets.AdmitAsync(request, provider, cancellationToken);
}
