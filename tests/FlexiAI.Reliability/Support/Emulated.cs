using FlexiAI.Emulator;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.Support;

/// <summary>Starts emulators and builds FlexiAI options that route to them, for every part of the suite.</summary>
public static class Emulated
{
    /// <summary>
    /// The only key each emulated instance accepts, one per provider kind. Each is a canary: FlexiAI must never print it (or its
    /// first 12 characters) anywhere. Not key-shaped (no <c>sk-</c>), so only FlexiAI's registration of configured keys can hide it.
    /// </summary>
    public static string KeyFor(string kind) => kind switch
    {
        "openai" => "CANARYOPENAIx7f3a9c2e41b8d6054e1f9a3c7b2d",
        "anthropic" => "CANARYANTHROx0b5d7e9f1a3c5e7092b4d6f8a0c2",
        _ => "CANARYVERTEXx3c5e7a9b1d3f5a7c9e1b3d5f7a9c",
    };

    /// <summary>Every canary.</summary>
    public static IReadOnlyList<string> Canaries => [.. Kinds.Select(KeyFor)];

    public static readonly string[] Kinds = ["openai", "anthropic", "vertexai"];

    public static EmulatedProviderKind KindOf(string kind) => kind switch
    {
        "openai" => EmulatedProviderKind.OpenAI,
        "anthropic" => EmulatedProviderKind.Anthropic,
        "vertexai" => EmulatedProviderKind.VertexAI,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "openai, anthropic or vertexai"),
    };

    /// <summary>The backup each primary fails over to in the fault matrix (always another protocol).</summary>
    public static string BackupOf(string kind) => kind switch
    {
        "openai" => "anthropic",
        "anthropic" => "vertexai",
        _ => "openai",
    };

    /// <summary>Starts an emulator with one instance per (name, kind), each accepting only its kind's canary key.</summary>
    public static Task<EmulatorHost> StartAsync(IEnumerable<(string Name, string Kind)> instances, int journalCapacity = 10_000, TimeProvider? time = null)
    {
        var options = new EmulatorOptions { TimeProvider = time ?? TimeProvider.System };
        foreach (var (name, kind) in instances)
        {
            options.Instances.Add(new EmulatedInstanceOptions(name, KindOf(kind)) { ApiKey = KeyFor(kind), JournalCapacity = journalCapacity });
        }

        return EmulatorHost.StartAsync(options);
    }

    /// <summary>A provider pointing at the emulated instance <paramref name="name"/> of kind <paramref name="kind"/>.</summary>
    public static ProviderOptions Provider(EmulatorHost host, string name, string kind, int priority)
    {
        var key = KeyFor(kind);
        var provider = new ProviderOptions
        {
            Name = name,
            Type = kind,
            Priority = priority,
            Model = kind switch { "openai" => "gpt-5.4-mini", "anthropic" => "claude-sonnet-5-5", _ => "gemini-3.5-flash" },
            ApiKey = kind == "vertexai" ? null : key,
            BaseUrl = host[name].BaseUrl,
        };
        if (kind == "vertexai")
        {
            provider.Settings["project"] = "flexiai-reliability";
            provider.Settings["location"] = "us-central1";
            provider.Settings["access_token"] = key;
        }

        return provider;
    }

    /// <summary>Options with no retry delay and no jitter, so the suite runs at loopback speed.</summary>
    public static FlexiAIOptions FastOptions()
    {
        var options = new FlexiAIOptions();
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.Retry.UseJitter = false;
        return options;
    }

    public static FlexiAIClientOptions ClientOptions(FlexiAIHooks? hooks = null, Microsoft.Extensions.Logging.ILoggerFactory? logging = null) =>
        new() { EnvironmentVariables = _ => null, Hooks = hooks, LoggerFactory = logging };

    /// <summary>The emulator's deterministic reply (docs/emulator.md, reply rule 1) from instance <paramref name="name"/>.</summary>
    public static string Reply(string name, string userText) =>
        $"Hello from {name}. You said: \"{(userText.Length > 120 ? userText[..120] : userText)}\". This is a deterministic reply from the FlexiAI emulator.";

    /// <summary>The emulator's continuation reply (reply rule 4) from instance <paramref name="name"/>.</summary>
    public static string Continuation(string name) => $"and this is where {name} continues the answer.";

    /// <summary>Reads a whole stream; returns the text and the route of its last update.</summary>
    public static async Task<(string Text, RouteReport? Route)> ReadStreamAsync(IChatClient client, string prompt, Action<string>? onText = null, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        RouteReport? route = null;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], null, cancellationToken).ConfigureAwait(false))
        {
            if (update.Text is { Length: > 0 } piece)
            {
                text.Append(piece);
                onText?.Invoke(piece);
            }

            route = update.TryGetRoute() ?? route;
        }

        return (text.ToString(), route);
    }
}
