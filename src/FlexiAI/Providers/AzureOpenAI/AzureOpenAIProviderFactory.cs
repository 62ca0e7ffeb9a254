using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;

namespace FlexiAI;

/// <summary>
/// Creates Azure OpenAI providers (type <c>azure_openai</c>): the official <c>OpenAI</c> SDK pointed at an Azure OpenAI resource,
/// with the SDK's retries off, authenticated by an <c>api-key</c> or by Microsoft Entra ID.
/// </summary>
/// <remarks>
/// <para>
/// Reads <see cref="ProviderOptions.BaseUrl"/> (the resource endpoint, <c>https://NAME.openai.azure.com</c>; or
/// <c>AZURE_OPENAI_ENDPOINT</c>), <see cref="ProviderOptions.Model"/> (the <b>deployment name</b>), <see cref="ProviderOptions.ApiKey"/>
/// (or <c>AZURE_OPENAI_API_KEY</c>; sent as the <c>api-key</c> header) and <c>config.api_version</c>. Without an API version requests go
/// to Azure's OpenAI-compatible <c>v1</c> API (<c>{endpoint}/openai/v1/chat/completions</c>, the deployment in the body's <c>model</c>);
/// with one, to the classic API (<c>{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…</c>).
/// </para>
/// <para>
/// Without an API key, a Microsoft Entra ID token for <c>config.scope</c> (default
/// <c>https://cognitiveservices.azure.com/.default</c>) is sent as a bearer token, from the first of: the
/// <see cref="TokenCredential"/> given to this factory; a client secret (<c>config.tenant_id</c>, <c>config.client_id</c>,
/// <c>config.client_secret</c>); a managed identity (<c>config.managed_identity_client_id</c>, or <c>config.auth</c>
/// <c>managed_identity</c> for the system-assigned one); else <see cref="DefaultAzureCredential"/> (environment, workload identity,
/// managed identity, Azure CLI…). Tokens are cached and refreshed before they expire.
/// </para>
/// <para>
/// FlexiAI uses the OpenAI SDK rather than <c>Azure.AI.OpenAI</c>: Microsoft's guidance for the v1 API is the OpenAI library itself,
/// the stable <c>Azure.AI.OpenAI</c> (2.1) is built against an older <c>OpenAI</c> than the one FlexiAI ships with, and one SDK keeps
/// one error shape (<see cref="System.ClientModel.ClientResultException"/>) for <c>openai</c>, <c>azure_openai</c> and
/// <c>openai_compatible</c>. The classic API needs only two small pipeline policies (the <c>api-version</c> query and the auth header).
/// </para>
/// </remarks>
public sealed class AzureOpenAIProviderFactory : ProviderFactory
{
    /// <summary>The variable with the resource endpoint, e.g. <c>https://my-resource.openai.azure.com</c>.</summary>
    public const string EndpointVariable = "AZURE_OPENAI_ENDPOINT";

    /// <summary>The variable with the API key.</summary>
    public const string ApiKeyVariable = "AZURE_OPENAI_API_KEY";

    /// <summary>The Microsoft Entra ID scope of Azure OpenAI (Azure AI services).</summary>
    public const string DefaultScope = "https://cognitiveservices.azure.com/.default";

    private readonly TokenCredential? _credential;

    /// <summary>Initializes a new instance of the <see cref="AzureOpenAIProviderFactory"/> class that takes credentials from configuration.</summary>
    public AzureOpenAIProviderFactory()
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="AzureOpenAIProviderFactory"/> class whose providers without an API key authenticate
    /// with <paramref name="credential"/> (register it in <see cref="FlexiAIClientOptions.ProviderFactories"/>).
    /// </summary>
    /// <param name="credential">A Microsoft Entra ID credential, e.g. a <see cref="ManagedIdentityCredential"/>.</param>
    public AzureOpenAIProviderFactory(TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = credential;
    }

    /// <inheritdoc/>
    public override string Type => ProviderTypes.AzureOpenAI;

    /// <inheritdoc/>
    /// <remarks>On Azure the model is a deployment name; deployments are commonly named after their model.</remarks>
    public override string ExampleModel => AzureOpenAIModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => EndpointVariable + "=https://NAME.openai.azure.com " + ApiKeyVariable + "=...";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : null;
        var client = CreateSdkClient(provider, context, http, _credential).GetChatClient(provider.Model).AsIChatClient();
        return new ResponseDataChatClient(client, OpenAIWireRules.ResponseData);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        return new AzureOpenAIProviderAdapter(context);
    }

    /// <inheritdoc/>
    /// <remarks>Fills <see cref="ProviderOptions.BaseUrl"/> from <c>AZURE_OPENAI_ENDPOINT</c> and the key from <c>AZURE_OPENAI_API_KEY</c>.</remarks>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        if (provider.BaseUrl is null && Uri.TryCreate(environment(EndpointVariable)?.Trim(), UriKind.Absolute, out var endpoint)
            && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp))
        {
            provider.BaseUrl = endpoint;
        }

        ProviderEnvironment.FillApiKey(provider, environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    /// <remarks>The endpoint is enough: without a key, Microsoft Entra ID (<see cref="DefaultAzureCredential"/>) authenticates.</remarks>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment(EndpointVariable));
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => AzureOpenAIModels.Table.Describe(model);

    /// <summary>Creates the SDK client for the provider's resource, API mode and credential.</summary>
    /// <exception cref="ConfigurationException">The endpoint is missing, or the Entra ID settings are incomplete.</exception>
    internal static OpenAIClient CreateSdkClient(ProviderOptions provider, ProviderFactoryContext context, HttpClient? http, TokenCredential? credential)
    {
        if (provider.BaseUrl is not { } endpoint)
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].base_url",
                $"Provider '{provider.Name}' (azure_openai) needs its resource endpoint: set base_url (e.g. \"https://my-resource.openai.azure.com\") or {EndpointVariable}.");
        }

        var apiVersion = ProviderSettings.Get(provider, "api_version");
        var options = new OpenAIClientOptions
        {
            Endpoint = ServiceUrl(endpoint, provider.Model, apiVersion),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : null,
        };
        if (http is not null)
        {
            options.Transport = new HttpClientPipelineTransport(http);
        }

        if (apiVersion is not null)
        {
            options.AddPolicy(new ApiVersionPolicy(apiVersion), PipelinePosition.PerCall);
        }

        PipelinePolicy auth = !string.IsNullOrWhiteSpace(provider.ApiKey)
            ? new HeaderAuthenticationPolicy(new KeyValuePair<string, string>("api-key", provider.ApiKey))
            : new AzureTokenPolicy(credential ?? CreateCredential(provider), ProviderSettings.Get(provider, "scope") ?? DefaultScope, context.TimeProvider, provider.Name);
        options.AddPolicy(auth, PipelinePosition.BeforeTransport);
        return new OpenAIClient(new ApiKeyCredential(HeaderAuthenticationPolicy.PlaceholderKey), options);
    }

    /// <summary>
    /// The URL the SDK appends <c>/chat/completions</c> to: the classic deployment path when an API version is set, else the
    /// <c>v1</c> path. An endpoint already ending in <c>/openai/v1</c> or <c>/openai</c> (as copied from the portal) is accepted.
    /// </summary>
    internal static Uri ServiceUrl(Uri endpoint, string deployment, string? apiVersion)
    {
        var root = endpoint.AbsoluteUri.TrimEnd('/');
        foreach (var suffix in (string[])["/openai/v1", "/openai"])
        {
            if (root.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                root = root[..^suffix.Length];
                break;
            }
        }

        return apiVersion is null
            ? new Uri(root + "/openai/v1")
            : new Uri($"{root}/openai/deployments/{Uri.EscapeDataString(deployment)}");
    }

    private static TokenCredential CreateCredential(ProviderOptions provider)
    {
        var tenant = ProviderSettings.Get(provider, "tenant_id");
        var clientId = ProviderSettings.Get(provider, "client_id");
        var secret = ProviderSettings.Get(provider, "client_secret");
        if (secret is not null)
        {
            if (tenant is null || clientId is null)
            {
                throw new ConfigurationException(
                    ProviderSettings.Path(provider, tenant is null ? "tenant_id" : "client_id"),
                    $"Provider '{provider.Name}' (azure_openai) has config.client_secret but no {(tenant is null ? "tenant_id" : "client_id")}: a client secret needs the app's tenant_id and client_id.");
            }

            SecretMasker.Register(secret);
            return new ClientSecretCredential(tenant, clientId, secret);
        }

        if (ProviderSettings.Get(provider, "managed_identity_client_id") is { } identity)
        {
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(identity));
        }

        return ProviderSettings.Get(provider, "auth") switch
        {
            null or "default" => new DefaultAzureCredential(),
            "managed_identity" => new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned),
            var other => throw new ConfigurationException(
                ProviderSettings.Path(provider, "auth"),
                $"'{other}' is not a credential kind. Use \"default\" (DefaultAzureCredential) or \"managed_identity\", or set config.tenant_id, config.client_id and config.client_secret."),
        };
    }
}
