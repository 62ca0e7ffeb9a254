namespace FlexiAI;

/// <summary>Default hints for each <see cref="ErrorCategory"/>.</summary>
internal static class ErrorHints
{
    public static string For(ErrorCategory category) => category switch
    {
        ErrorCategory.Authentication => "Check the provider's API key (or FLEXIAI_PROVIDERS__N__API_KEY / the provider's usual environment variable); it is missing, malformed, revoked or for another organization.",
        ErrorCategory.PermissionDenied => "The key is valid but may not use this model or project; check the account's access, region and billing.",
        ErrorCategory.RateLimited => "The provider throttled the request; FlexiAI honours Retry-After up to retry.max_retry_after and otherwise fails over. Raise your quota or lower the request rate.",
        ErrorCategory.Timeout => "The attempt ran out of time; raise the provider's timeout or lower max output tokens.",
        ErrorCategory.Network => "The connection failed; check the base URL, DNS, proxy and TLS settings.",
        ErrorCategory.ServerError => "The provider failed internally; this is usually transient.",
        ErrorCategory.Overloaded => "The provider is overloaded; this is usually transient and other providers take over.",
        ErrorCategory.InvalidRequest => "The provider rejected the request's shape or parameters; fix the request (it would fail on any retry).",
        ErrorCategory.ContextLengthExceeded => "The prompt plus max output tokens exceed the model's context window; shorten the conversation or pick a larger-context model.",
        ErrorCategory.ContentFiltered => "The provider's safety system blocked the prompt or answer; rephrase the request or adjust the provider's safety settings.",
        ErrorCategory.NotFound => "The model or endpoint does not exist for this account; check the model name and base URL.",
        ErrorCategory.Cancelled => "The provider cancelled the request on its side; it is retried like a transient failure.",
        _ => "The failure could not be classified; see the inner exception.",
    };
}
