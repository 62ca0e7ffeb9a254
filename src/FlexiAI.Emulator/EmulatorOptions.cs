namespace FlexiAI.Emulator;

/// <summary>What an <see cref="EmulatorHost"/> serves and where.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Gets or sets the loopback port; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets the instances to host. Empty means the standard three: <c>openai</c>, <c>anthropic</c>, <c>vertexai</c>.</summary>
    public IList<EmulatedInstanceOptions> Instances { get; } = [];

    /// <summary>Gets or sets the clock used for latency, pacing and stalls. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Creates options for the standard three instances, <c>openai</c>, <c>anthropic</c> and <c>vertexai</c>.</summary>
    /// <param name="port">The loopback port; 0 picks a free one.</param>
    /// <returns>The options.</returns>
    public static EmulatorOptions Standard(int port = 0)
    {
        var options = new EmulatorOptions { Port = port };
        options.Instances.Add(new EmulatedInstanceOptions("openai", EmulatedProviderKind.OpenAI));
        options.Instances.Add(new EmulatedInstanceOptions("anthropic", EmulatedProviderKind.Anthropic));
        options.Instances.Add(new EmulatedInstanceOptions("vertexai", EmulatedProviderKind.VertexAI));
        return options;
    }

    /// <summary>
    /// Creates options for every kind of instance: the standard three, then <c>azure</c> (Azure OpenAI), <c>compatible</c> (an
    /// OpenAI-compatible server without quirks), <c>ollama</c> and <c>gemini</c> (the Gemini API). The standalone emulator serves these.
    /// </summary>
    /// <param name="port">The loopback port; 0 picks a free one.</param>
    /// <returns>The options.</returns>
    public static EmulatorOptions All(int port = 0)
    {
        var options = Standard(port);
        options.Instances.Add(new EmulatedInstanceOptions("azure", EmulatedProviderKind.AzureOpenAI));
        options.Instances.Add(new EmulatedInstanceOptions("compatible", EmulatedProviderKind.OpenAICompatible));
        options.Instances.Add(new EmulatedInstanceOptions("ollama", EmulatedProviderKind.Ollama));
        options.Instances.Add(new EmulatedInstanceOptions("gemini", EmulatedProviderKind.Gemini));
        return options;
    }
}
