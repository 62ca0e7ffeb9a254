namespace FlexiAI;

/// <summary>
/// What an OpenAI-compatible server can take, declared in the provider's configuration (<c>config.capabilities</c>), because
/// FlexiAI cannot know it from the server: <c>tools</c>, <c>json_schema</c>, <c>stream_usage</c>, <c>images</c>. Each is a boolean;
/// an omitted one is <see langword="true"/> except <c>images</c> (most compatible servers serve text-only models).
/// </summary>
/// <remarks>
/// The provider's content check refuses a request that needs an undeclared capability with a
/// <see cref="RequestValidationException"/> naming it, before any network call. <c>stream_usage: false</c> also stops FlexiAI
/// sending <c>stream_options</c>, which some servers reject.
/// </remarks>
internal sealed class OpenAICompatibleCapabilities
{
    /// <summary>The capability names, as written in configuration.</summary>
    public static readonly string[] Names = ["tools", "json_schema", "stream_usage", "images"];

    /// <summary>Gets a value indicating whether the server takes tools (function calling).</summary>
    public bool Tools { get; init; } = true;

    /// <summary>Gets a value indicating whether the server takes <c>response_format: json_schema</c> (structured output).</summary>
    public bool JsonSchema { get; init; } = true;

    /// <summary>Gets a value indicating whether the server takes <c>stream_options.include_usage</c> and reports usage in streams.</summary>
    public bool StreamUsage { get; init; } = true;

    /// <summary>Gets a value indicating whether the server takes image content.</summary>
    public bool Images { get; init; }

    /// <summary>Reads <c>config.capabilities</c>.</summary>
    /// <exception cref="ConfigurationException">A capability is unknown or not a boolean.</exception>
    public static OpenAICompatibleCapabilities Parse(ProviderOptions provider)
    {
        bool? tools = null, jsonSchema = null, streamUsage = null, images = null;
        foreach (var (key, value) in ProviderSettings.Section(provider, "capabilities"))
        {
            var path = ProviderSettings.Path(provider, "capabilities." + key);
            var normalized = ConfigurationText.Normalize(key);
            var parsed = ProviderSettings.ParseBool(value);
            var known = Array.Find(Names, n => ConfigurationText.Normalize(n) == normalized);
            if (known is null)
            {
                throw new ConfigurationException(path, $"'{key}' is not a capability. Declare any of {string.Join(", ", Names)} as true or false.{ConfigurationText.DidYouMean(key, Names)}");
            }

            if (parsed is null)
            {
                throw new ConfigurationException(path, $"must be true or false (whether provider '{provider.Name}' can take {known}).");
            }

            switch (known)
            {
                case "tools": tools = parsed; break;
                case "json_schema": jsonSchema = parsed; break;
                case "stream_usage": streamUsage = parsed; break;
                default: images = parsed; break;
            }
        }

        return new OpenAICompatibleCapabilities
        {
            Tools = tools ?? true,
            JsonSchema = jsonSchema ?? true,
            StreamUsage = streamUsage ?? true,
            Images = images ?? false,
        };
    }
}
