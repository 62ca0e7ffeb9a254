using System.ClientModel.Primitives;

namespace FlexiAI;

/// <summary>
/// Authenticates OpenAI SDK requests with fixed headers (Azure's <c>api-key</c>, a bearer key, a server's own header) — or
/// with none, for OpenAI-compatible servers that take no key. Added just before the transport, it first removes the
/// <c>Authorization</c> header the SDK's key policy always sends (the SDK is given a placeholder key: its constructor that takes an
/// authentication policy is experimental).
/// </summary>
internal sealed class HeaderAuthenticationPolicy : PipelinePolicy
{
    /// <summary>The placeholder key given to the SDK; never sent.</summary>
    public const string PlaceholderKey = "flexiai-placeholder";

    private readonly KeyValuePair<string, string>[] _headers;

    public HeaderAuthenticationPolicy(params KeyValuePair<string, string>[] headers) => _headers = headers;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        message.Request.Headers.Remove("Authorization");
        foreach (var (name, value) in _headers)
        {
            message.Request.Headers.Set(name, value);
        }
    }
}
