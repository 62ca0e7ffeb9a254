using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace FlexiAI;

/// <summary>
/// Creates OpenAI providers (type <c>openai</c>): the official <c>OpenAI</c> SDK's chat client through
/// <c>Microsoft.Extensions.AI.OpenAI</c>, with the SDK's own retries off (FlexiAI owns retries).
/// </summary>
/// <remarks>
/// Reads <see cref="ProviderOptions.ApiKey"/>, <see cref="ProviderOptions.Model"/>, <see cref="ProviderOptions.BaseUrl"/>
/// (the value the SDK takes as its endpoint, e.g. <c>https://api.openai.com/v1</c> or an OpenAI-compatible server's
/// <c>…/v1</c>), <see cref="ProviderOptions.Timeout"/>, and the settings <c>organization</c> and <c>project</c>.
/// </remarks>
internal sealed class OpenAIProviderFactory : ProviderFactory
{
    /// <summary>The variable that holds the API key when the configuration gives none.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <inheritdoc/>
    public override string Type => ProviderTypes.OpenAI;

    /// <inheritdoc/>
    public override string ExampleModel => OpenAIModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => ApiKeyVariable + "=sk-...";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : null;
        var client = CreateSdkClient(provider, http).GetChatClient(provider.Model).AsIChatClient();
        return new ResponseDataChatClient(client, OpenAIWireRules.ResponseData);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new OpenAIProviderAdapter(context);
    }

    /// <inheritdoc/>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        ProviderEnvironment.FillApiKey(provider, environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => OpenAIModels.Table.Describe(model);

    /// <summary>Creates the SDK client, sending through <paramref name="http"/> when given (its owner disposes it), else the SDK's shared transport.</summary>
    internal static OpenAIClient CreateSdkClient(ProviderOptions provider, HttpClient? http)
    {
        if (string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].api_key",
                $"Provider '{provider.Name}' (openai) has no API key. Set api_key in the configuration, FLEXIAI_PROVIDERS__{provider.Name.ToUpperInvariant()}__API_KEY, or {ApiKeyVariable}.");
        }

        var options = new OpenAIClientOptions
        {
            // Always explicit: the SDK's default policy retries with a zero initial delay; FlexiAI owns retries.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : null,
        };
        if (provider.BaseUrl is { } baseUrl)
        {
            options.Endpoint = baseUrl;
        }

        if (provider.Settings.TryGetValue("organization", out var organization) && !string.IsNullOrWhiteSpace(organization))
        {
            options.OrganizationId = organization;
        }

        if (provider.Settings.TryGetValue("project", out var project) && !string.IsNullOrWhiteSpace(project))
        {
            options.ProjectId = project;
        }

        if (http is not null)
        {
            options.Transport = new HttpClientPipelineTransport(http);
        }

        return new OpenAIClient(new ApiKeyCredential(provider.ApiKey), options);
    }
}
