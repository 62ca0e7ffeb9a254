using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What Anthropic takes and what it returns beyond MEAI's types.</summary>
internal static class AnthropicWireRules
{
    /// <summary>
    /// What Anthropic Messages takes: JPEG/PNG/GIF/WebP images and PDF documents as data or URL, plain-text documents as
    /// data; no audio. Tools, and JSON schemas (mapped to a forced tool or the structured-output parameter).
    /// </summary>
    public static ProviderCapabilities Capabilities { get; } = new()
    {
        DataMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain"],
        UrlMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"],
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
