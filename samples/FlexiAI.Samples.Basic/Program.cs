using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// Basic usage: one IChatClient over several providers — a question, a multi-turn chat, a streamed answer, the route taken.
await using var providers = await SampleProviders.CreateAsync();
using var ai = new FlexiAIClient(providers.Options);

var reply = await ai.GetResponseAsync("What is a circuit breaker?");
Console.WriteLine($"{reply.Text}\n  route: {reply.GetRoute()}  tokens: {reply.Usage?.TotalTokenCount}");

List<ChatMessage> chat = [new(ChatRole.System, "You are concise."), new(ChatRole.User, "Name one failover strategy.")];
var first = await ai.GetResponseAsync(chat);
chat.AddRange(first.Messages);
chat.Add(new ChatMessage(ChatRole.User, "And another one?"));
Console.WriteLine((await ai.GetResponseAsync(chat)).Text);

Console.Write("streamed: ");
await foreach (var update in ai.GetStreamingResponseAsync("Stream a short answer."))
{
    Console.Write(update.Text);
    if (update.TryGetRoute() is { } route)
    {
        Console.WriteLine($"\n  route: {route}");
    }
}

foreach (var status in ai.GetProviderStatus())
{
    Console.WriteLine($"{status.Position}. {status.Name,-10} {status.Model,-18} circuit {status.State}");
}
