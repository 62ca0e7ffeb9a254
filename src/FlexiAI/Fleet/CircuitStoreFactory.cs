using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Creates the shared stores a <c>circuit_breaker.store</c> setting names (FlexiAI.Redis provides the one for <c>redis</c>).
/// Register one in <see cref="FlexiAIClientOptions.StoreFactories"/> or in the service container; a configuration naming a type
/// that no registered factory handles fails with a <see cref="ConfigurationException"/> that says which package to add.
/// </summary>
public abstract class CircuitStoreFactory
{
    /// <summary>Gets the store type this factory handles, as written in <c>circuit_breaker.store.type</c> (case-insensitive).</summary>
    public abstract string Type { get; }

    /// <summary>Creates (or returns a cached instance of) the stores for <paramref name="options"/>. Called when a client is built.</summary>
    /// <param name="options">The store setting (type, connection, prefix).</param>
    /// <param name="time">The client's clock.</param>
    /// <param name="loggerFactory">Where the stores log (one warning per outage).</param>
    /// <returns>The stores. The factory owns them: clients never dispose them.</returns>
    /// <exception cref="ConfigurationException">The setting is invalid for this store type (the message names the path).</exception>
    public abstract FleetStores Create(CircuitStoreOptions options, TimeProvider time, ILoggerFactory loggerFactory);
}
