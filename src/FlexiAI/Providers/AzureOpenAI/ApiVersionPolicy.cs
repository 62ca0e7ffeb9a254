using System.ClientModel.Primitives;

namespace FlexiAI;

/// <summary>Adds Azure OpenAI's <c>api-version</c> query parameter to every request of the classic (deployments) API.</summary>
internal sealed class ApiVersionPolicy(string apiVersion) : PipelinePolicy
{
    private readonly string _query = "api-version=" + Uri.EscapeDataString(apiVersion);

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
        var uri = message.Request.Uri!;
        if (uri.Query.Contains("api-version=", StringComparison.Ordinal))
        {
            return;
        }

        var builder = new UriBuilder(uri) { Query = uri.Query.Length > 1 ? uri.Query[1..] + "&" + _query : _query };
        message.Request.Uri = builder.Uri;
    }
}
