using Google.Apis.Auth.OAuth2;

namespace FlexiAI;

/// <summary>
/// Access tokens from a Google credential looked up on first use (no I/O while the client is built). A found credential is
/// kept (<c>Google.Apis.Auth</c> caches its token and refreshes it before expiry); a failed lookup is not: the next request
/// looks again, so one transient failure does not break every later request. Concurrent requests share one lookup in flight.
/// </summary>
internal sealed class GoogleTokenSource(Func<Task<ITokenAccess>> lookup)
{
    private readonly RetryingLookup<ITokenAccess> _credential = new(lookup);

    /// <summary>Gets a current token (the cached one unless it is about to expire).</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        // The shared lookup takes no token; a cancelled caller stops waiting for it without cancelling it for others.
        var access = await _credential.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return await access.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches a new token even though the cached one looks valid (the server rejected it with 401: revoked, or expired by a
    /// clock that runs ahead of ours). A credential that cannot be forced (not a <see cref="ServiceCredential"/>) returns its current token.
    /// </summary>
    public async Task<string> RefreshAsync(CancellationToken cancellationToken)
    {
        var access = await _credential.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var service = access as ServiceCredential ?? (access as GoogleCredential)?.UnderlyingCredential as ServiceCredential;
        if (service is not null)
        {
            await service.RequestAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        return await access.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
