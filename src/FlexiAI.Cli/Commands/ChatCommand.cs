using System.Globalization;
using Microsoft.Extensions.AI;

namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai chat [PROMPT]</c>: one answer, or an interactive session when no prompt is given; streams by default.</summary>
internal static class ChatCommand
{
    public static async Task<int> RunAsync(CliContext context, string? prompt, string? file, bool emulate, bool stream, string? system, CancellationToken cancellationToken)
    {
        var (options, emulator, exitCode) = await ConfigurationSource.ResolveAsync(context, file, emulate, cancellationToken).ConfigureAwait(false);
        try
        {
            if (options is null)
            {
                return exitCode!.Value;
            }

            FlexiAIClient client;
            try
            {
                client = ConfigurationSource.CreateClient(context, options);
            }
            catch (ConfigurationException ex)
            {
                context.Error.WriteLine(ex.Message);
                return ExitCodes.NotConfigured;
            }

            using (client)
            {
                var history = new List<ChatMessage>();
                if (!string.IsNullOrWhiteSpace(system))
                {
                    history.Add(new ChatMessage(ChatRole.System, system));
                }

                if (!string.IsNullOrWhiteSpace(prompt))
                {
                    history.Add(new ChatMessage(ChatRole.User, prompt));
                    return await AnswerAsync(context, client, history, stream, cancellationToken).ConfigureAwait(false) is null ? ExitCodes.Failure : ExitCodes.Success;
                }

                context.Error.WriteLine($"Chatting through {string.Join(" → ", client.GetProviderStatus().Select(s => s.Name))}. An empty line or Ctrl+D ends the session.");
                var failed = false;
                while (true)
                {
                    context.Error.Write("> ");
                    var line = await context.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        return failed ? ExitCodes.Failure : ExitCodes.Success;
                    }

                    history.Add(new ChatMessage(ChatRole.User, line));
                    var answer = await AnswerAsync(context, client, history, stream, cancellationToken).ConfigureAwait(false);
                    if (answer is null)
                    {
                        failed = true;
                        history.RemoveAt(history.Count - 1);
                    }
                    else
                    {
                        history.Add(new ChatMessage(ChatRole.Assistant, answer));
                    }
                }
            }
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Answers the conversation; returns the answer, or <see langword="null"/> after reporting a failure.</summary>
    private static async Task<string?> AnswerAsync(CliContext context, FlexiAIClient client, List<ChatMessage> history, bool stream, CancellationToken cancellationToken)
    {
        try
        {
            string text;
            RouteReport? route;
            if (stream)
            {
                var builder = new System.Text.StringBuilder();
                route = null;
                await foreach (var update in client.GetStreamingResponseAsync(history, null, cancellationToken).ConfigureAwait(false))
                {
                    if (update.Text is { Length: > 0 } chunk)
                    {
                        builder.Append(chunk);
                        await context.Out.WriteAsync(chunk).ConfigureAwait(false);
                        await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    route = update.TryGetRoute() ?? route;
                }

                text = builder.ToString();
            }
            else
            {
                var response = await client.GetResponseAsync(history, null, cancellationToken).ConfigureAwait(false);
                text = response.Text;
                await context.Out.WriteAsync(text).ConfigureAwait(false);
                route = response.TryGetRoute();
            }

            context.Out.WriteLine();
            if (route is not null)
            {
                context.Error.WriteLine(Describe(route));
            }

            return text;
        }
        catch (StreamInterruptedException ex)
        {
            context.Out.WriteLine();
            context.Error.WriteLine($"[interrupted after {ex.PartialText.Length} characters: {ex.Message}]");
            return null;
        }
        catch (FlexiAIException ex)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return null;
        }
    }

    internal static string Describe(RouteReport route)
    {
        var tokens = route.Usage?.TotalTokenCount is { } total ? $" · {total.ToString(CultureInfo.InvariantCulture)} tokens" : string.Empty;
        var failover = route.FailedOver ? $" · failed over: {string.Join(" → ", route.Attempts.Select(a => $"{a.Provider} {a.Outcome}"))}" : string.Empty;
        return $"[via {route.Provider} · {route.Model} · {route.TotalLatency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms{tokens}{failover}]";
    }
}
