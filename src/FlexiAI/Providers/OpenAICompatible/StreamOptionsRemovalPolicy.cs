using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;

namespace FlexiAI;

/// <summary>
/// Removes <c>stream_options</c> from Chat Completions requests: the OpenAI SDK always asks for usage in streams, and some
/// OpenAI-compatible servers reject the field with a 400. Applied when the provider declares <c>stream_usage: false</c>.
/// </summary>
internal sealed class StreamOptionsRemovalPolicy : PipelinePolicy
{
    public static StreamOptionsRemovalPolicy Instance { get; } = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private static void Rewrite(PipelineMessage message)
    {
        if (message.Request.Content is not { } content || !message.Request.Uri!.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return;
        }

        using var buffer = new MemoryStream();
        content.WriteTo(buffer, message.CancellationToken);
        if (JsonNode.Parse(buffer.ToArray()) is JsonObject body && body.Remove("stream_options"))
        {
            message.Request.Content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        }
    }
}
