using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Creates the <see cref="IChatClient"/> and <see cref="ProviderAdapter"/> for configured providers of one
/// <see cref="Type"/>. Register custom factories with <see cref="FlexiAIClientOptions"/>
/// so that configuration files can name your provider type.
/// </summary>
public abstract class ProviderFactory
{
    /// <summary>Gets the provider type this factory creates, e.g. <c>openai</c>. Matched case-insensitively.</summary>
    public abstract string Type { get; }

    /// <summary>Creates the client for one configured provider.</summary>
    /// <param name="provider">The provider's options.</param>
    /// <param name="context">Services the client may use.</param>
    /// <returns>The client; FlexiAI disposes it with the <see cref="FlexiAIClient"/>.</returns>
    public abstract IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context);

    /// <summary>Creates the adapter that classifies this provider's errors. Default: <see cref="ProviderAdapter.Generic"/>.</summary>
    /// <param name="provider">The provider's options.</param>
    /// <returns>The adapter.</returns>
    public virtual ProviderAdapter CreateAdapter(ProviderOptions provider) => ProviderAdapter.Generic;
}
