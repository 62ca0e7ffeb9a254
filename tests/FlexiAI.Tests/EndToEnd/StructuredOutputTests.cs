using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>Structured output (<c>ChatResponseFormat.ForJsonSchema</c>) on every provider, over real HTTP to the emulator.</summary>
public sealed class StructuredOutputTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => new("openai", "vertexai", "anthropic");

    public sealed record Forecast(string Summary, int Temperature, bool Rain);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_JSON_schema_reaches_every_provider_in_its_own_shape_and_the_answer_follows_it(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));

        var response = await client.GetResponseAsync<Forecast>("Forecast for Paris?", cancellationToken: Token);

        Assert.Equal(kind, response.GetRoute().Provider);
        var forecast = response.Result;
        Assert.Equal(1, forecast.Temperature);
        Assert.True(forecast.Rain);
        Assert.Contains("Hello from " + kind, forecast.Summary, StringComparison.Ordinal);

        var body = fixture.Host[kind].Journal.Last!.Json()!;
        var schema = kind switch
        {
            "openai" => body["response_format"]!["json_schema"]!["schema"]!,
            "anthropic" => body["output_config"]!["format"]!["schema"]!,
            _ => body["generationConfig"]!["responseJsonSchema"]!,
        };
        Assert.Equal(["summary", "temperature", "rain"], schema["properties"]!.AsObject().Select(p => p.Key));
        if (kind == "anthropic")
        {
            Assert.Equal("json_schema", body["output_config"]!["format"]!["type"]!.GetValue<string>());
            Assert.Null(body["tools"]);
        }
    }

    [Fact]
    public async Task Anthropic_structured_output_streams_as_JSON_text_too()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("anthropic"));
        var format = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(Forecast)), "forecast");

        var response = (await client.GetStreamingResponseAsync("Forecast for Paris?", new ChatOptions { ResponseFormat = format }, Token).ToListAsync(Token)).ToChatResponse();

        var forecast = JsonSerializer.Deserialize<Forecast>(response.Text, AIJsonUtilities.DefaultOptions)!;
        Assert.True(forecast.Rain);
        Assert.Equal("anthropic", response.GetRoute().Provider);
    }
}
