using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What Anthropic takes and what it returns beyond MEAI's types.</summary>
internal static class AnthropicWireRules
{
    /// <summary>What Anthropic Messages takes: JPEG/PNG/GIF/WebP images and PDF or plain-text documents (data or URL).</summary>
    public static bool Accepts(AIContent content) => content switch
    {
        DataContent data => data.MediaType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "application/pdf" or "text/plain",
        UriContent uri => uri.MediaType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "application/pdf",
        _ => true,
    };


    /// <summary>Anthropic: <c>stop_sequence</c> (which stop sequence ended the message) and the raw <c>stop_reason</c>, into <paramref name="properties"/>; returns whether it copied anything.</summary>
    public static bool ResponseData(object raw, ref AdditionalPropertiesDictionary? properties)
    {
        if (raw is not global::Anthropic.Models.Messages.Message message)
        {
            return false;
        }

        properties ??= [];
        properties["stop_sequence"] = message.StopSequence;
        properties["stop_reason"] = message.StopReason?.ToString();
        return true;
    }
}
