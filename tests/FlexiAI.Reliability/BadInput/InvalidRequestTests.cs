using FlexiAI.Reliability.Support;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.BadInput;

/// <summary>Invalid requests are refused with <see cref="RequestValidationException"/> before any network call: the journals stay empty.</summary>
public sealed class InvalidRequestTests
{
    public static readonly TheoryData<string, string> Cases = new()
    {
        { "temperature-high", "options.Temperature" },
        { "temperature-negative", "options.Temperature" },
        { "temperature-nan", "options.Temperature" },
        { "top-p-high", "options.TopP" },
        { "top-p-nan", "options.TopP" },
        { "top-k-zero", "options.TopK" },
        { "max-tokens-zero", "options.MaxOutputTokens" },
        { "max-tokens-negative", "options.MaxOutputTokens" },
        { "frequency-penalty", "options.FrequencyPenalty" },
        { "presence-penalty", "options.PresencePenalty" },
        { "empty-stop", "options.StopSequences[1]" },
        { "no-messages", "messages" },
        { "null-message", "messages[1]" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_invalid_request_never_reaches_a_provider(string name, string parameter)
    {
        await using var host = await Emulated.StartAsync(Emulated.Kinds.Select(k => (k, k)));
        var options = Emulated.FastOptions();
        for (var i = 0; i < Emulated.Kinds.Length; i++)
        {
            options.Providers.Add(Emulated.Provider(host, Emulated.Kinds[i], Emulated.Kinds[i], i + 1));
        }

        using var client = new FlexiAIClient(options, Emulated.ClientOptions());
        List<ChatMessage> messages = [new(ChatRole.User, "Hello")];
        var chat = new ChatOptions();
        switch (name)
        {
            case "temperature-high": chat.Temperature = 2.5f; break;
            case "temperature-negative": chat.Temperature = -0.1f; break;
            case "temperature-nan": chat.Temperature = float.NaN; break;
            case "top-p-high": chat.TopP = 1.5f; break;
            case "top-p-nan": chat.TopP = float.NaN; break;
            case "top-k-zero": chat.TopK = 0; break;
            case "max-tokens-zero": chat.MaxOutputTokens = 0; break;
            case "max-tokens-negative": chat.MaxOutputTokens = -5; break;
            case "frequency-penalty": chat.FrequencyPenalty = 3f; break;
            case "presence-penalty": chat.PresencePenalty = -2.5f; break;
            case "empty-stop": chat.StopSequences = ["END", ""]; break;
            case "no-messages": messages.Clear(); break;
            case "null-message": messages.Add(null!); break;
        }

        var response = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync(messages, chat));
        var stream = await Assert.ThrowsAsync<RequestValidationException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, chat))
            {
                _ = update;
            }
        });

        Assert.Equal(parameter, response.Parameter);
        Assert.Equal(parameter, stream.Parameter);
        Assert.All(host.Instances, i => Assert.Equal(0, i.Journal.Count));
        SuiteSummary.AddRequests(2);
    }
}
