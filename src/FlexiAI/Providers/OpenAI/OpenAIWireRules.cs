using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What OpenAI takes and what it returns beyond MEAI's types.</summary>
internal static class OpenAIWireRules
{
    /// <summary>
    /// What OpenAI Chat Completions takes: images as data or URL, PDF files and wav/mp3 audio as data (the SDK has no
    /// URL form for files or audio); tools and JSON schemas (<c>response_format: json_schema</c>).
    /// </summary>
    public static ProviderCapabilities Capabilities { get; } = new()
    {
        DataMediaTypes = ["image/*", "application/pdf", "audio/wav", "audio/x-wav", "audio/mpeg", "audio/mp3"],
        UrlMediaTypes = ["image/*"],
    };

    /// <summary>OpenAI: <c>system_fingerprint</c> from a completion or a stream chunk, into <paramref name="properties"/>; returns whether it copied anything.</summary>
    public static bool ResponseData(object raw, ref AdditionalPropertiesDictionary? properties)
    {
        var fingerprint = raw switch
        {
            global::OpenAI.Chat.ChatCompletion completion => completion.SystemFingerprint,
            global::OpenAI.Chat.StreamingChatCompletionUpdate update => update.SystemFingerprint,
            _ => null,
        };
        if (fingerprint is null)
        {
            return false;
        }

        (properties ??= [])["system_fingerprint"] = fingerprint;
        return true;
    }
}
