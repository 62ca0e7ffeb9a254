namespace FlexiAI;

/// <summary>Helpers for <see cref="ProviderFactory.ApplyEnvironment"/>: fill a value only where the configuration gave none.</summary>
internal static class ProviderEnvironment
{
    /// <summary>Sets the API key from <paramref name="value"/> when the provider has none, and registers it for masking.</summary>
    public static void FillApiKey(ProviderOptions provider, string? value)
    {
        if (string.IsNullOrWhiteSpace(provider.ApiKey) && !string.IsNullOrWhiteSpace(value))
        {
            provider.ApiKey = value;
            SecretMasker.Register(value);
        }
    }

    /// <summary>Sets a provider setting from <paramref name="value"/> when the setting is missing or blank.</summary>
    public static void FillSetting(ProviderOptions provider, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && (!provider.Settings.TryGetValue(key, out var current) || string.IsNullOrWhiteSpace(current)))
        {
            provider.Settings[key] = value;
        }
    }
}
