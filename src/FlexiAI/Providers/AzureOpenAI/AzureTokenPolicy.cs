using System.ClientModel.Primitives;
using Azure.Core;

namespace FlexiAI;

/// <summary>
/// Authenticates OpenAI SDK requests to Azure OpenAI with a Microsoft Entra ID bearer token from a <see cref="TokenCredential"/>,
/// replacing the SDK's placeholder key. The token is cached and reused until it is due for refresh — at the credential's
/// <see cref="AccessToken.RefreshOn"/> when it gives one, else <see cref="RefreshMargin"/> before it expires — then one request
/// fetches a new one while concurrent requests share that fetch. Time comes from the client's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class AzureTokenPolicy : PipelinePolicy
{
    /// <summary>How long before expiry a token is refreshed when the credential gives no refresh time.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _request;
    private readonly TimeProvider _time;
    private readonly string _providerName;
    private readonly Lock _gate = new();
    private volatile CachedToken? _token;
    private Task<CachedToken>? _refreshing;

    public AzureTokenPolicy(TokenCredential credential, string scope, TimeProvider time, string providerName)
    {
        _credential = credential;
        _request = new TokenRequestContext([scope]);
        _time = time;
        _providerName = providerName;
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        CachedToken token;
        lock (_gate)
        {
            token = Current() ?? Keep(Fetch(() => _credential.GetToken(_request, message.CancellationToken)));
        }

        Authorize(message, token);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Task<CachedToken> pending;
        lock (_gate)
        {
            if (Current() is { } cached)
            {
                Authorize(message, cached);
                pending = Task.FromResult(cached);
            }
            else
            {
                // One fetch at a time; concurrent requests wait for the same one. It runs without the caller's token so one
                // cancelled caller does not fail the others; each caller stops waiting when it is cancelled.
                if (_refreshing is not { IsCompleted: false })
                {
                    _refreshing = FetchAsync();
                }

                pending = _refreshing;
            }
        }

        var token = await pending.WaitAsync(message.CancellationToken).ConfigureAwait(false);
        Authorize(message, token);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private static void Authorize(PipelineMessage message, CachedToken token)
    {
        message.Request.Headers.Remove("api-key");
        message.Request.Headers.Set("Authorization", "Bearer " + token.Value);
    }

    private async Task<CachedToken> FetchAsync()
    {
        AccessToken fresh;
        try
        {
            fresh = await _credential.GetTokenAsync(_request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Failed(ex);
        }

        return Keep(fresh);
    }

    private AccessToken Fetch(Func<AccessToken> get)
    {
        try
        {
            return get();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Failed(ex);
        }
    }

    // Callers hold _gate.
    private CachedToken? Current() => _token is { } token && _time.GetUtcNow() < token.RefreshAt ? token : null;

    // One reference write: safe with or without _gate.
    private CachedToken Keep(AccessToken fresh)
    {
        var token = new CachedToken(fresh.Token, fresh.RefreshOn ?? fresh.ExpiresOn - RefreshMargin);
        _token = token;
        return token;
    }

    private AzureCredentialException Failed(Exception ex) =>
        new($"Could not obtain a Microsoft Entra ID token for provider '{_providerName}': {SecretMasker.Redact(ex.Message)} Sign in (az login), give the app a managed identity, or set config.tenant_id, config.client_id and config.client_secret — or use an API key (api_key or AZURE_OPENAI_API_KEY).", ex);

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
