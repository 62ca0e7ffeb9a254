using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>A provider as the loop holds it: options, client, adapter, admission gates (breaker first) and resolved limits.</summary>
internal sealed class RoutedProvider
{
    private volatile StrongBox<ErrorCategory>? _lastError;

    public RoutedProvider(ProviderOptions options, int order, IChatClient client, bool ownsClient, ProviderAdapter adapter, CircuitBreaker breaker, int maxAttempts, TimeSpan attemptTimeout, TimeSpan firstTokenTimeout, TimeSpan idleTimeout)
    {
        Options = options;
        Order = order;
        Client = client;
        OwnsClient = ownsClient;
        Adapter = adapter;
        Breaker = breaker;
        MaxAttempts = maxAttempts;
        AttemptTimeout = attemptTimeout;
        FirstTokenTimeout = firstTokenTimeout;
        IdleTimeout = idleTimeout;
        AttemptDescription = $"attempt timeout of {Seconds(attemptTimeout)}";
        FirstTokenDescription = firstTokenTimeout != attemptTimeout ? $"time-to-first-token timeout of {Seconds(firstTokenTimeout)}" : AttemptDescription;
        IdleDescription = $"idle timeout of {Seconds(idleTimeout)} between stream updates";
        Gates = [];
        if (ownsClient && client.GetService(typeof(ResponseDataChatClient)) is ResponseDataChatClient data)
        {
            // The router copies the provider's response data after the await it already has: one async layer less per request.
            data.CopiedByCaller = true;
            ResponseData = data;
        }
    }

    /// <summary>The response-data layer of a client FlexiAI built, whose responses the router copies itself; else <see langword="null"/>.</summary>
    public ResponseDataChatClient? ResponseData { get; }

    public string Name => Options.Name;

    public string Model => Options.Model;

    public ProviderOptions Options { get; }

    /// <summary>Gets the provider's position in the configuration (ties in priority keep it).</summary>
    public int Order { get; }

    public IChatClient Client { get; }

    /// <summary>Gets a value indicating whether FlexiAI created <see cref="Client"/> (and so disposes it); a caller's client is never disposed.</summary>
    public bool OwnsClient { get; }

    public ProviderAdapter Adapter { get; }

    public CircuitBreaker Breaker { get; }

    /// <summary>Gets a value indicating whether a request counts once toward this provider's breaker (<c>count_per_request</c>, after the provider's override).</summary>
    public bool CountPerRequest { get; internal init; }

    /// <summary>Gets the admission gates, in order; the first is the capability gate, which holds the breaker's gate as its next step.</summary>
    public AdmissionGate[] Gates { get; internal set; }

    /// <summary>Gets the provider's model price and budgets, resolved when the set was built (<see langword="null"/> only for sets built without cost accounting).</summary>
    public ProviderPricing? Pricing { get; internal set; }

    public int MaxAttempts { get; }

    public TimeSpan AttemptTimeout { get; }

    /// <summary>Gets the time a stream may take to its first update.</summary>
    public TimeSpan FirstTokenTimeout { get; }

    /// <summary>Gets the longest silence allowed between stream updates.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Gets the timeout descriptions, built once (the per-chunk path must not allocate).</summary>
    public string AttemptDescription { get; }

    public string FirstTokenDescription { get; }

    public string IdleDescription { get; }

    public ErrorCategory? LastErrorCategory => _lastError?.Value;

    public void NoteError(ErrorCategory category)
    {
        var current = _lastError;
        if (current is null || current.Value != category)
        {
            _lastError = new StrongBox<ErrorCategory>(category);
        }
    }

    /// <summary>Disposes what FlexiAI created for this provider: its breaker, and its client unless the caller passed it in.</summary>
    public void DisposeOwned()
    {
        Breaker.Dispose();
        if (OwnsClient)
        {
            Client.Dispose();
        }
    }

    private static string Seconds(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan ? "infinite" : $"{value.TotalSeconds:0.###} s";
}
