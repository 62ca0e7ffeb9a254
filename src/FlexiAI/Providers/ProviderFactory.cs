using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Everything FlexiAI knows about one provider <see cref="Type"/>: how to create its <see cref="IChatClient"/> and
/// <see cref="ProviderAdapter"/>, which environment variables configure it, an example model and what its models can do.
/// Register custom factories with <see cref="FlexiAIClientOptions.ProviderFactories"/> so that configuration files can
/// name your provider type.
/// </summary>
/// <remarks>
/// FlexiAI's core (configuration, routing, the CLI) never names a provider: it asks the provider's factory. Only
/// <see cref="Type"/> and <see cref="CreateClient"/> must be implemented; every other member has a neutral default.
/// </remarks>
public abstract class ProviderFactory
{
    /// <summary>
    /// Gets the factories that ship with FlexiAI: OpenAI, Vertex AI, Anthropic (in the order the plan tries them), then Azure OpenAI, the Gemini API, Ollama and OpenAI-compatible servers.
    /// </summary>
    public static IReadOnlyList<ProviderFactory> BuiltIn => BuiltInProviderFactories.All;

    /// <summary>Gets the provider type this factory creates, e.g. <c>openai</c>. Matched case-insensitively.</summary>
    public abstract string Type { get; }

    /// <summary>Gets a current model of this provider type, used in examples and hints (e.g. a validation message for a missing model).</summary>
    /// <value>The model name, or <see langword="null"/> (the default) when the factory has no example.</value>
    public virtual string? ExampleModel => null;

    /// <summary>
    /// Gets a one-line example of the environment variable that configures this provider type on its own, e.g.
    /// <c>OPENAI_API_KEY=sk-...</c>; the CLI shows it when nothing is configured.
    /// </summary>
    /// <value>The example, or <see langword="null"/> (the default) when the environment alone cannot configure the provider.</value>
    public virtual string? EnvironmentHint => null;

    /// <summary>Creates the client for one configured provider.</summary>
    /// <param name="provider">The provider's options.</param>
    /// <param name="context">Services the client may use.</param>
    /// <returns>The client; FlexiAI disposes it with the <see cref="FlexiAIClient"/>.</returns>
    public abstract IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context);

    /// <summary>Creates the adapter that classifies this provider's errors and checks its credentials.</summary>
    /// <param name="provider">The provider's options.</param>
    /// <param name="context">The services the provider's client was created with (clock, logging, HTTP handler); the adapter's credential check sends through the same handler.</param>
    /// <returns>The adapter. Default: <see cref="ProviderAdapter.Generic"/>.</returns>
    public virtual ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context) => ProviderAdapter.Generic;

    /// <summary>
    /// Fills what <paramref name="provider"/> lacks from this provider type's usual environment variables (for example an
    /// API key from <c>OPENAI_API_KEY</c>). Values already set are kept. Default: nothing.
    /// </summary>
    /// <param name="provider">The provider to complete.</param>
    /// <param name="environment">Reads one environment variable; returns <see langword="null"/> when it is not set.</param>
    public virtual void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
    }

    /// <summary>Gets whether the environment alone configures a provider of this type (its key or project variable is set).</summary>
    /// <param name="environment">Reads one environment variable; returns <see langword="null"/> when it is not set.</param>
    /// <returns><see langword="true"/> when a provider of this type with <see cref="ExampleModel"/> would work from the environment. Default: <see langword="false"/>.</returns>
    public virtual bool IsConfiguredByEnvironment(Func<string, string?> environment) => false;

    /// <summary>Describes a model of this provider type: limits, capabilities and, when known, its retirement date.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>What FlexiAI knows; unknown limits are <see langword="null"/>. Default: nothing known.</returns>
    public virtual ProviderModelInfo DescribeModel(string model) => ProviderModelInfo.Unknown(model);
}
