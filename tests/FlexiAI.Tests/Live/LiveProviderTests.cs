using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Live;

/// <summary>
/// Against the real APIs. Each test runs only when its provider's credentials are in the environment
/// (OPENAI_API_KEY; ANTHROPIC_API_KEY; GOOGLE_CLOUD_PROJECT with Application Default Credentials) and is skipped otherwise.
/// </summary>
public sealed class LiveProviderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static FlexiAIClient Client(string type, string model)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 2;
        options.Providers.Add(new ProviderOptions { Name = type, Model = Environment.GetEnvironmentVariable($"FLEXIAI_LIVE_{type.ToUpperInvariant()}_MODEL_OVERRIDE") ?? model });
        return new FlexiAIClient(options);
    }

    public static TheoryData<string, string, string> Providers => new()
    {
        { "openai", "gpt-5.4-mini", "OPENAI_API_KEY" },
        { "anthropic", "claude-haiku-5-5", "ANTHROPIC_API_KEY" },
        { "vertexai", "gemini-3.5-flash", "GOOGLE_CLOUD_PROJECT" },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Answers_and_streams(string type, string model, string variable)
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)), $"{variable} is not set: live {type} test skipped.");
        using var client = Client(type, model);

        var response = await client.GetResponseAsync("Reply with the single word: pong", new ChatOptions { MaxOutputTokens = 20 }, Token);
        Assert.Contains("pong", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(type, response.GetRoute().Provider);

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Count from 1 to 3.", new ChatOptions { MaxOutputTokens = 30 }, Token))
        {
            text.Append(update.Text);
        }

        Assert.Contains("2", text.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Credentials_validate(string type, string model, string variable)
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)), $"{variable} is not set: live {type} test skipped.");
        using var client = Client(type, model);

        var result = Assert.Single(await client.ValidateCredentialsAsync(Token));

        Assert.Equal(CredentialStatus.Valid, result.Status);
    }
}
