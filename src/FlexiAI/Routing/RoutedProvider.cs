using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>A provider as the router holds it: options, client, adapter, breaker and resolved limits.</summary>
internal sealed class RoutedProvider
{
    private volatile StrongBox<ErrorCategory>? _lastError;

    public RoutedProvider(ProviderOptions options, int order, IChatClient client, bool ownsClient, ProviderAdapter adapter, CircuitBreaker breaker, int maxAttempts, TimeSpan attemptTimeout, TimeSpan firstTokenTimeout, TimeSpan idleTimeout)
    {
        FirstTokenTimeout = firstTokenTimeout;
        IdleTimeout = idleTimeout;
        IdleDescription = $"idle timeout of {idleTimeout.TotalSeconds:0.###} s between stream updates";
        Options = options;
        Order = order;
        Client = client;
        OwnsClient = ownsClient;
        Adapter = adapter;
        Breaker = breaker;
        MaxAttempts = maxAttempts;
        AttemptTimeout = attemptTimeout;
    }

    public string Name => Options.Name;

    public string Model => Options.Model;

    public ProviderOptions Options { get; }

    public int Order { get; }

    public IChatClient Client { get; }

    public bool OwnsClient { get; }

    public ProviderAdapter Adapter { get; }

    public CircuitBreaker Breaker { get; }

    public int MaxAttempts { get; }

    public TimeSpan AttemptTimeout { get; }

    /// <summary>Gets the time a stream may take to its first update.</summary>
    public TimeSpan FirstTokenTimeout { get; }

    /// <summary>Gets the longest silence allowed between stream updates.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Gets the idle timeout's description, built once (the per-chunk path must not allocate).</summary>
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
}
