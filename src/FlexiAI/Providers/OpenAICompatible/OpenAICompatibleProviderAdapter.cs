namespace FlexiAI;

/// <summary>
/// Classifies an OpenAI-compatible server's errors as OpenAI's (the same SDK and error shape), with hints for what such servers
/// commonly reject; credentials are checked with the generic one-token request (not every server serves <c>/models</c>).
/// </summary>
/// <param name="context">The services the provider's client was created with.</param>
/// <param name="declared">What the server was declared to take (<c>config.capabilities</c>).</param>
internal sealed class OpenAICompatibleProviderAdapter(ProviderFactoryContext context, OpenAICompatibleCapabilities declared) : ProviderAdapter
{
    /// <inheritdoc/>
    /// <remarks>
    /// What OpenAI takes, narrowed by the declaration: images only when <c>images</c> is declared, tools and JSON schema unless
    /// declared false. The router's capability gate routes what the server cannot take to another provider.
    /// </remarks>
    public override ProviderCapabilities DescribeCapabilities(string model) => new ProviderCapabilities
    {
        DataMediaTypes = declared.Images ? OpenAIWireRules.Capabilities.DataMediaTypes : [.. OpenAIWireRules.Capabilities.DataMediaTypes.Where(t => !t.StartsWith("image/", StringComparison.OrdinalIgnoreCase))],
        UrlMediaTypes = declared.Images ? OpenAIWireRules.Capabilities.UrlMediaTypes : [],
        Tools = declared.Tools,
        JsonSchema = declared.JsonSchema,
    }.For(DescribeModel(model));

    private readonly OpenAIProviderAdapter _openAI = new(context);

    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failure = _openAI.Classify(exception);
        string? hint = null;
        if (failure.Category == ErrorCategory.InvalidRequest && failure.Message.Contains("stream_options", StringComparison.OrdinalIgnoreCase))
        {
            hint = "The server rejects stream_options; declare \"config\": { \"capabilities\": { \"stream_usage\": false } } so FlexiAI stops sending it.";
        }
        else if (failure.Category == ErrorCategory.NotFound)
        {
            hint = "The server does not know this model or path; check the model name the server serves and that base_url ends where /chat/completions follows (usually .../v1).";
        }

        return hint is null ? failure : new ProviderFailure(failure.Category, failure.Message)
        {
            StatusCode = failure.StatusCode,
            RequestId = failure.RequestId,
            RetryAfter = failure.RetryAfter,
            ShouldRetry = failure.ShouldRetry,
            Hint = hint,
        };
    }
}
