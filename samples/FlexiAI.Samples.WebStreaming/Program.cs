using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// An ASP.NET Core minimal API that streams FlexiAI's answer to a browser over Server-Sent Events.
// Run it, open the URL it prints, ask a question: the tokens arrive as "message" events, the route as a final "route" event.
// From a terminal: curl -N "http://localhost:5000/chat?q=hello"
await using var providers = await SampleProviders.CreateAsync();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(providers.ToConfiguration("FlexiAI"));   // appsettings.json in an application
builder.Logging.AddFilter("FlexiAI", LogLevel.Warning);
builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"));

var app = builder.Build();

app.MapGet("/", () => Results.Content(Page.Html, "text/html; charset=utf-8"));

app.MapGet("/chat", (string? q, IChatClient chat, CancellationToken cancellationToken) =>
    TypedResults.ServerSentEvents(Answer(chat, string.IsNullOrWhiteSpace(q) ? "Hello!" : q, cancellationToken)));

await app.RunAsync();

// Each update's text is one "message" event; the final update's route is one "route" event (the page closes the stream on it,
// so the browser's EventSource does not reconnect). The client aborting the request cancels the provider call.
static async IAsyncEnumerable<SseItem<string>> Answer(IChatClient chat, string question, [EnumeratorCancellation] CancellationToken cancellationToken)
{
    await foreach (var update in chat.GetStreamingResponseAsync(question, cancellationToken: cancellationToken))
    {
        if (!string.IsNullOrEmpty(update.Text))
        {
            yield return new SseItem<string>(update.Text, "message");
        }

        if (update.TryGetRoute() is { } route)
        {
            yield return new SseItem<string>($"{route.Provider} ({route.Model}) in {route.TotalLatency.TotalMilliseconds:F0} ms, {route.Attempts.Count} attempt(s)", "route");
        }
    }
}

/// <summary>The whole front end: a form, an EventSource and a few lines of script.</summary>
internal static class Page
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>FlexiAI streaming</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto}#answer{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;min-height:4rem}#route{color:#666}</style>
        </head>
        <body>
        <h1>FlexiAI over Server-Sent Events</h1>
        <form id="ask"><input id="q" size="50" value="What is a circuit breaker?"> <button>Ask</button></form>
        <p id="answer"></p>
        <p id="route"></p>
        <script>
        document.getElementById('ask').addEventListener('submit', e => {
          e.preventDefault();
          const answer = document.getElementById('answer'), route = document.getElementById('route');
          answer.textContent = ''; route.textContent = '';
          const source = new EventSource('/chat?q=' + encodeURIComponent(document.getElementById('q').value));
          source.addEventListener('message', m => answer.textContent += m.data);
          source.addEventListener('route', m => { route.textContent = 'answered by ' + m.data; source.close(); });
          source.onerror = () => { route.textContent = 'the stream failed'; source.close(); };
        });
        </script>
        </body>
        </html>
        """;
}
