using System.ComponentModel;
using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// Function calling: MEAI's FunctionInvokingChatClient on top of FlexiAIClient. The model asks for a tool, the middleware runs the
// .NET method and sends the result back, the model answers — and every one of those model calls goes through FlexiAI's failover.
await using var providers = await SampleProviders.CreateAsync();
using var ai = new FlexiAIClient(providers.Options);

var calls = 0;
[Description("Gets the current weather for a city.")]
string GetWeather([Description("The city, e.g. Paris.")] string city)
{
    calls++;
    Console.WriteLine($"    tool get_weather(city: \"{city}\") called");
    return $"sunny, 21 °C in {city}";
}

var weather = AIFunctionFactory.Create(GetWeather, "get_weather");
using IChatClient agent = new ChatClientBuilder(ai).UseFunctionInvocation().Build();
var options = new ChatOptions { Tools = [weather] };

// The same round trip with each provider as the primary (on the emulator the prompt "call get_weather" makes the model call it).
foreach (var provider in providers.Options.Providers.Select(p => p.Name))
{
    ai.SetPrimaryProvider(provider);
    Console.WriteLine($"{provider}:");
    var reply = await agent.GetResponseAsync("Please call get_weather for Paris, then tell me whether I need an umbrella.", options);
    var requested = reply.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => $"{c.Name}#{c.CallId}");
    Console.WriteLine($"    model asked for: {string.Join(", ", requested)}");
    Console.WriteLine($"    answer: {reply.Text}");
    Console.WriteLine($"    route of the final call: {reply.TryGetRoute()?.ToString() ?? "(not kept by the middleware)"}");
}

Console.WriteLine($"tool calls: {calls}");
