using System.Text.Json;
using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Cost;

/// <summary>Token estimates against the counts the emulator reports, on the mixed corpus in TokenCorpus.json (±15 % for Claude and Gemini).</summary>
public sealed class TokenEstimateAccuracyTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Load().RootElement.GetProperty("entries").EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Claude_and_Gemini_estimates_are_within_15_percent_of_the_reported_input_tokens(string name)
    {
        var messages = Messages(name);
        foreach (var kind in new[] { "anthropic", "vertexai" })
        {
            using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
            var estimate = Assert.Single(client.EstimateCost(messages).Providers);
            var response = await client.GetResponseAsync(messages, cancellationToken: Token);
            var reported = response.Usage!.InputTokenCount!.Value;

            Assert.Equal(TokenCountMethod.Approximation, estimate.Method);
            var error = Math.Abs(estimate.InputTokens - reported) / (double)reported;
            Assert.True(error <= 0.15, $"{name} on {kind}: estimated {estimate.InputTokens}, reported {reported} ({error:P0} off)");
        }
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cost", "TokenCorpus.json")));

    internal static List<ChatMessage> Messages(string name)
    {
        using var doc = Load();
        var entry = doc.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        return [.. entry.GetProperty("messages").EnumerateArray().Select(m => new ChatMessage(new ChatRole(m.GetProperty("role").GetString()!), m.GetProperty("text").GetString()))];
    }
}
