using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FlexiAI;

/// <summary>
/// Counts a request's input tokens before sending it. OpenAI: the o200k_base tokenizer over each message's text, plus
/// OpenAI's documented overhead of 3 tokens per message and 3 to prime the reply, plus the tools' names, descriptions and
/// schemas. Claude and Gemini (tokenizers not public): the same count times a per-provider factor (see <c>docs/cost.md</c>).
/// Pure computation; the tokenizer's data loads once, on first use.
/// </summary>
internal static class TokenEstimator
{
    public const int TokensPerMessage = 3;
    public const int ReplyPriming = 3;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Counts the request with o200k_base and OpenAI's per-message overhead.</summary>
    public static int CountO200k(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var tokenizer = O200k.Value;
        var count = ReplyPriming;
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            count += TokensPerMessage + tokenizer.CountTokens(instructions);
        }

        foreach (var message in messages)
        {
            count += TokensPerMessage + tokenizer.CountTokens(message.Role.Value) + tokenizer.CountTokens(Text(message));
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                count += tokenizer.CountTokens(ToolText(tool));
            }
        }

        return count;
    }

    /// <summary>Counts for <paramref name="method"/>, scaled by <paramref name="factor"/> for approximations.</summary>
    public static int Count(IEnumerable<ChatMessage> messages, ChatOptions? options, TokenCountMethod method, double factor)
    {
        var o200k = CountO200k(messages, options);
        return method == TokenCountMethod.O200k ? o200k : (int)Math.Ceiling(o200k * factor);
    }

    private static string Text(ChatMessage message)
    {
        var builder = new StringBuilder();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    builder.Append(text.Text);
                    break;
                case FunctionCallContent call:
                    builder.Append(call.Name).Append(JsonSerializer.Serialize(call.Arguments));
                    break;
                case FunctionResultContent result:
                    builder.Append(result.Result?.ToString());
                    break;
            }
        }

        return builder.ToString();
    }

    private static string ToolText(AITool tool) =>
        tool is AIFunctionDeclaration function
            ? $"{function.Name} {function.Description} {function.JsonSchema.GetRawText()}"
            : $"{tool.Name} {tool.Description}";
}
