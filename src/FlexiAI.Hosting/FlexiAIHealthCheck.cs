using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlexiAI.Hosting;

/// <summary>
/// Reports a <see cref="FlexiAIClient"/>'s health from its providers' circuit breakers (no provider call unless
/// <see cref="FlexiAIHealthCheckOptions.CheckCredentials"/> is on):
/// <list type="bullet">
/// <item><b>Healthy</b> — the primary's breaker is closed, no breaker is half-open, and the last answer came from the primary (or nothing was asked yet).</item>
/// <item><b>Degraded</b> — requests are being served by a fallback (the primary's breaker is open or half-open, or the last answer came from another provider), or some breaker is half-open.</item>
/// <item><b>Unhealthy</b> (the registration's failure status) — every enabled provider's breaker is open, or no provider is enabled.</item>
/// </list>
/// The result's data lists each provider's breaker state by name, the primary and the last provider that answered.
/// </summary>
public sealed class FlexiAIHealthCheck : IHealthCheck
{
    private readonly FlexiAIClient _client;
    private readonly FlexiAIHealthCheckOptions _options;

    /// <summary>Initializes a new instance of the <see cref="FlexiAIHealthCheck"/> class.</summary>
    /// <param name="client">The client to report on.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public FlexiAIHealthCheck(FlexiAIClient client, FlexiAIHealthCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new FlexiAIHealthCheckOptions();
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var enabled = _client.GetProviderStatus().Where(p => p.Position > 0).OrderBy(p => p.Position).ToList();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var provider in enabled)
        {
            data[provider.Name] = State(provider.State);
        }

        if (enabled.Count == 0)
        {
            return new HealthCheckResult(failure, "No provider is enabled.", data: data);
        }

        var primary = enabled[0];
        data["primary"] = primary.Name;
        var lastUsed = _client.LastUsedProvider;
        if (lastUsed is not null)
        {
            data["last_used"] = lastUsed;
        }

        var (credentialsStatus, credentialsNote) = _options.CheckCredentials
            ? await CheckCredentialsAsync(enabled.Count, data, cancellationToken).ConfigureAwait(false)
            : (HealthStatus.Healthy, null);

        HealthCheckResult result;
        if (enabled.All(p => p.State == CircuitState.Open))
        {
            result = new HealthCheckResult(failure, $"Every provider's circuit breaker is open ({string.Join(", ", enabled.Select(p => p.Name))}).", data: data);
        }
        else if (primary.State != CircuitState.Closed)
        {
            result = HealthCheckResult.Degraded($"The primary {primary.Name}'s circuit breaker is {State(primary.State)}: requests are served by a fallback.", data: data);
        }
        else if (enabled.FirstOrDefault(p => p.State == CircuitState.HalfOpen) is { } halfOpen)
        {
            result = HealthCheckResult.Degraded($"{halfOpen.Name}'s circuit breaker is half-open.", data: data);
        }
        else if (lastUsed is not null && !string.Equals(lastUsed, primary.Name, StringComparison.OrdinalIgnoreCase))
        {
            result = HealthCheckResult.Degraded($"The last request was answered by the fallback {lastUsed}, not the primary {primary.Name}.", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"The primary {primary.Name}'s circuit breaker is closed.", data: data);
        }

        if (_client.SharedStore is { } shared)
        {
            data["shared_store"] = shared.IsAvailable ? "available" : "unavailable";
            if (!shared.IsAvailable && result.Status == HealthStatus.Healthy)
            {
                result = HealthCheckResult.Degraded($"The shared store ({shared.Description}) is unavailable: this instance runs on its local breaker state, budgets and rate limits until it answers.", data: data);
            }
        }

        if (credentialsStatus < result.Status)
        {
            var status = credentialsStatus == HealthStatus.Unhealthy ? failure : credentialsStatus;
            result = new HealthCheckResult(status, credentialsNote, data: data);
        }

        return result;
    }

    private async Task<(HealthStatus Status, string? Note)> CheckCredentialsAsync(int providers, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        var checks = await _client.ValidateCredentialsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var check in checks)
        {
            data[check.Provider + ".credentials"] = check.Status.ToString();
        }

        var invalid = checks.Where(c => c.Status == CredentialStatus.Invalid).Select(c => c.Provider).ToList();
        return invalid.Count == 0 ? (HealthStatus.Healthy, null)
            : invalid.Count >= providers ? (HealthStatus.Unhealthy, "Every provider's credentials are invalid.")
            : (HealthStatus.Degraded, $"Invalid credentials: {string.Join(", ", invalid)}.");
    }

    private static string State(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        _ => "half_open",
    };
}
