using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What OpenAI takes and what it returns beyond MEAI's types.</summary>
internal static class OpenAIWireRules
{
    /// <summary>What OpenAI Chat Completions takes: images (data or URL), PDF files and wav/mp3 audio as data.</summary>
    public static bool Accepts(AIContent content) => content switch
    {
        DataContent data => data.HasTopLevelMediaType("image") || data.MediaType is "application/pdf" or "audio/wav" or "audio/x-wav" or "audio/mpeg" or "audio/mp3",
        UriContent uri => uri.HasTopLevelMediaType("image"),
        _ => true,
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
