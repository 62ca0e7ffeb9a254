using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Live;

/// <summary>
/// The added provider types against real services. Each runs only when its variables are set and is skipped otherwise:
/// Azure OpenAI (<c>AZURE_OPENAI_ENDPOINT</c>, <c>FLEXIAI_LIVE_AZURE_OPENAI_DEPLOYMENT</c>; key from <c>AZURE_OPENAI_API_KEY</c>, else
/// Microsoft Entra ID), the Gemini API (<c>GEMINI_API_KEY</c>), Ollama (<c>OLLAMA_HOST</c>; model <c>FLEXIAI_LIVE_OLLAMA_MODEL</c>,
/// default <c>gemma3</c>), an OpenAI-compatible server (<c>FLEXIAI_LIVE_OPENAI_COMPATIBLE_BASE_URL</c> and <c>_MODEL</c>; key from
/// <c>FLEXIAI_LIVE_OPENAI_COMPATIBLE_API_KEY</c>).
/// </summary>
public sealed class LiveAddedProviderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    public static TheoryData<string> Types => new(ProviderTypes.AzureOpenAI, ProviderTypes.Gemini, ProviderTypes.Ollama, ProviderTypes.OpenAICompatible);

    /// <summary>The provider for a type from the environment, or why the test is skipped.</summary>
    private static (ProviderOptions? Provider, string Missing) Configure(string type)
    {
        var provider = new ProviderOptions { Name = type, Type = type };
        switch (type)
        {
            case ProviderTypes.AzureOpenAI:
                if (Env("AZURE_OPENAI_ENDPOINT") is null || Env("FLEXIAI_LIVE_AZURE_OPENAI_DEPLOYMENT") is not { } deployment)
                {
                    return (null, "AZURE_OPENAI_ENDPOINT and FLEXIAI_LIVE_AZURE_OPENAI_DEPLOYMENT");
                }

                provider.Model = deployment;
                break;
            case ProviderTypes.Gemini:
                if (Env("GEMINI_API_KEY") is null)
                {
                    return (null, "GEMINI_API_KEY");
                }

                provider.Model = Env("FLEXIAI_LIVE_GEMINI_MODEL") ?? GeminiModels.Example;
                break;
            case ProviderTypes.Ollama:
                if (Env("OLLAMA_HOST") is null)
                {
                    return (null, "OLLAMA_HOST");
                }

                provider.Model = Env("FLEXIAI_LIVE_OLLAMA_MODEL") ?? OllamaModels.Example;
                break;
            default:
                if (Env("FLEXIAI_LIVE_OPENAI_COMPATIBLE_BASE_URL") is not { } baseUrl || Env("FLEXIAI_LIVE_OPENAI_COMPATIBLE_MODEL") is not { } model)
                {
                    return (null, "FLEXIAI_LIVE_OPENAI_COMPATIBLE_BASE_URL and FLEXIAI_LIVE_OPENAI_COMPATIBLE_MODEL");
                }

                (provider.BaseUrl, provider.Model, provider.ApiKey) = (new Uri(baseUrl), model, Env("FLEXIAI_LIVE_OPENAI_COMPATIBLE_API_KEY"));
                break;
        }

        return (provider, string.Empty);
    }

    private static FlexiAIClient Client(ProviderOptions provider)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 2;
        options.Providers.Add(provider);
        return new FlexiAIClient(options);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Answers_streams_and_validates(string type)
    {
        var (provider, missing) = Configure(type);
        Assert.SkipWhen(provider is null, $"{missing} not set: live {type} test skipped.");
        using var client = Client(provider!);

        var response = await client.GetResponseAsync("Reply with the single word: pong", new ChatOptions { MaxOutputTokens = 20 }, Token);
        Assert.Contains("pong", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(type, response.GetRoute().Provider);

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Count from 1 to 3.", new ChatOptions { MaxOutputTokens = 30 }, Token))
        {
            text.Append(update.Text);
        }

        Assert.Contains("2", text.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(CredentialStatus.Invalid, Assert.Single(await client.ValidateCredentialsAsync(Token)).Status);
    }
}
