using System.Text;

namespace FlexiAI;

/// <summary>
/// Capability-aware routing as an admission gate: a provider that cannot take the request (its
/// <see cref="ProviderCapabilities"/> do not cover the content, the tools or the JSON schema) is skipped with reason
/// <c>unsupported content: …</c>; when no provider of the set can take it, the request fails with a
/// <see cref="RequestValidationException"/> naming each provider and what it lacks, before any network call.
/// </summary>
/// <remarks>
/// <para>
/// The gate runs <b>before</b> the circuit breaker and holds the breaker's gate as its next step (<paramref name="next"/>):
/// a provider that cannot take the request never reaches its breaker, so it reads no state store, takes no half-open probe
/// only to hand it back, and raises no circuit transition; and the admission the loop keeps for the attempt is the breaker's
/// own (no second admission per attempt to allocate or release). Whether a provider can take a request does not change with
/// time or failures, so a capability skip has no retry time and is never counted.
/// </para>
/// <para>
/// The check reads every message once per provider admission and allocates nothing when the request is covered.
/// </para>
/// </remarks>
internal sealed class CapabilityGate(RoutedProvider provider, ProviderCapabilities capabilities, CapabilityGate.Table table, AdmissionGate next) : AdmissionGate
{
    /// <summary>Gets the gate that runs when the provider can take the request (the circuit breaker's).</summary>
    public AdmissionGate Next => next;

    /// <summary>Gets what the provider can take.</summary>
    public ProviderCapabilities Capabilities => capabilities;

    public override ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
    {
        if (capabilities.FindUnsupported(request.Messages, request.Options) is not { } lack)
        {
            return next.AdmitAsync(request, cancellationToken);
        }

        // Only the unhappy path looks at the other providers: when none can take the request, the caller must change it.
        table.ThrowIfNoneAccepts(request);
        var reason = $"unsupported content: {lack.What} ({lack.Path})";
        var error = new RequestValidationException(lack.Path, $"Provider '{provider.Name}' ({provider.Options.EffectiveType}) cannot take {lack.What}; it takes {capabilities}.");
        return new ValueTask<Admission>(Admission.Skip(AttemptOutcome.Skipped, reason, retryAt: null, error));
    }

    public override ValueTask OnSucceededAsync(RequestState request, Admission admission) => next.OnSucceededAsync(request, admission);

    public override ValueTask OnFailedAsync(RequestState request, Admission admission, ErrorCategory category, bool counts) =>
        next.OnFailedAsync(request, admission, category, counts);

    public override ValueTask ReleaseAsync(RequestState request, Admission admission) => next.ReleaseAsync(request, admission);

    /// <summary>The capabilities of every enabled provider of one provider set, in configuration order.</summary>
    internal sealed class Table
    {
        private readonly List<(RoutedProvider Provider, ProviderCapabilities Capabilities)> _providers = [];

        public void Add(RoutedProvider provider, ProviderCapabilities capabilities)
        {
            if (provider.Options.Enabled)
            {
                _providers.Add((provider, capabilities));
            }
        }

        /// <summary>Throws the validation error naming each provider and what it lacks when no provider can take the request.</summary>
        public void ThrowIfNoneAccepts(RequestState request)
        {
            string? firstPath = null;
            var text = new StringBuilder("No configured provider can take this request: ");
            for (var i = 0; i < _providers.Count; i++)
            {
                var (provider, capabilities) = _providers[i];
                if (capabilities.FindUnsupported(request.Messages, request.Options) is not { } lack)
                {
                    return;
                }

                firstPath ??= lack.Path;
                text.Append(i == 0 ? string.Empty : "; ")
                    .Append('\'').Append(provider.Name).Append("' (").Append(provider.Options.EffectiveType).Append(") cannot take ")
                    .Append(lack.What).Append(" at ").Append(lack.Path).Append(" (it takes ").Append(capabilities).Append(')');
            }

            text.Append(". Remove or convert that content, or configure a provider that takes it (ProviderOptions.Capabilities in code, or config.capabilities for an openai_compatible provider, declares what a provider takes).");
            throw new RequestValidationException(firstPath ?? "messages", text.ToString());
        }
    }
}
