using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Checks a request before any network call; a bad request never reaches a provider.</summary>
internal static class RequestValidator
{
    public static IList<ChatMessage> Validate(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        if (messages is null)
        {
            throw new RequestValidationException("messages", "The message list is null; pass at least one ChatMessage.");
        }

        if (messages is List<ChatMessage> common)
        {
            // The common shape, checked without interface dispatch or variant-interface casts.
            if (common.Count == 0)
            {
                throw EmptyList();
            }

            for (var i = 0; i < common.Count; i++)
            {
                if (common[i] is null)
                {
                    throw NullMessage(i);
                }
            }

            if (options is not null)
            {
                ValidateOptions(options);
            }

            return common;
        }

        var list = messages as IList<ChatMessage> ?? [.. messages];
        if (list.Count == 0)
        {
            throw EmptyList();
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw NullMessage(i);
            }
        }

        if (list is not IReadOnlyList<ChatMessage>)
        {
            list = [.. list];
        }

        if (options is not null)
        {
            ValidateOptions(options);
        }

        return list;
    }

    private static RequestValidationException EmptyList() =>
        new("messages", "The message list is empty; pass at least one ChatMessage (e.g. new ChatMessage(ChatRole.User, \"Hello\")).");

    private static RequestValidationException NullMessage(int index) =>
        new($"messages[{index}]", "The message is null; remove it or pass a ChatMessage.");

    private static void ValidateOptions(ChatOptions options)
    {
        if (options.Temperature is float t && (t < 0 || t > 2 || float.IsNaN(t)))
        {
            throw new RequestValidationException("options.Temperature", $"{t} is out of range; use a value from 0 to 2.");
        }

        if (options.TopP is float p && (p < 0 || p > 1 || float.IsNaN(p)))
        {
            throw new RequestValidationException("options.TopP", $"{p} is out of range; use a value from 0 to 1.");
        }

        if (options.TopK is int k && k < 1)
        {
            throw new RequestValidationException("options.TopK", $"{k} is out of range; use a positive integer.");
        }

        if (options.MaxOutputTokens is int max && max < 1)
        {
            throw new RequestValidationException("options.MaxOutputTokens", $"{max} is out of range; use a positive integer or leave it unset.");
        }

        if (options.FrequencyPenalty is float f && (f < -2 || f > 2 || float.IsNaN(f)))
        {
            throw new RequestValidationException("options.FrequencyPenalty", $"{f} is out of range; use a value from -2 to 2.");
        }

        if (options.PresencePenalty is float pp && (pp < -2 || pp > 2 || float.IsNaN(pp)))
        {
            throw new RequestValidationException("options.PresencePenalty", $"{pp} is out of range; use a value from -2 to 2.");
        }

        if (options.StopSequences is { } stops)
        {
            for (var i = 0; i < stops.Count; i++)
            {
                if (string.IsNullOrEmpty(stops[i]))
                {
                    throw new RequestValidationException($"options.StopSequences[{i}]", "A stop sequence is empty; remove it.");
                }
            }
        }
    }
}
