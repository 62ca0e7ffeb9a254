using System.CommandLine;
using FlexiAI.Cli.Commands;

namespace FlexiAI.Cli;

/// <summary>The <c>flexiai</c> command tree.</summary>
internal static class CliApplication
{
    public static Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error };
        if (args is ["serve", ..])
        {
            // SIGTERM/Ctrl+C cancel serve's token; it then drains in-flight requests itself, bounded by gateway.shutdown_timeout.
            invocation.ProcessTerminationTimeout = TimeSpan.FromMinutes(10);
        }

        return Build(context).Parse(args).InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand Build(CliContext context)
    {
        var config = new Option<string?>("--config", "-c") { Description = "The configuration file (default: FLEXIAI_CONFIG, then ./flexiai.json, then the environment)." };
        var emulate = new Option<bool>("--emulate") { Description = "Use the embedded emulator's three providers instead of your configuration (no keys needed)." };

        var root = new RootCommand("FlexiAI: one chat client over OpenAI, Vertex AI and Anthropic that keeps answering when a provider fails.");

        var noLive = new Option<bool>("--no-live") { Description = "Print plain lines instead of the live view (automatic when output is not a terminal)." };
        var recovery = new Option<double?>("--recovery-seconds") { Description = "The breaker's recovery timeout in the scenario (default 3)." };
        var metricsOut = new Option<string?>("--metrics") { Description = "Write the client's metrics snapshot (JSON) to this file at the end." };
        var demo = new Command("demo", "Run a failover scenario on the embedded emulator: outage, failover, open breaker, recovery, a stream that survives an outage.") { noLive, recovery, metricsOut };
        demo.SetAction((result, token) => DemoCommand.RunAsync(
            context,
            result.GetValue(noLive),
            result.GetValue(recovery) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            result.GetValue(metricsOut),
            token));
        root.Subcommands.Add(demo);

        var prompt = new Argument<string?>("prompt") { Description = "The prompt; omit it for an interactive session.", Arity = ArgumentArity.ZeroOrOne };
        var noStream = new Option<bool>("--no-stream") { Description = "Wait for the whole answer instead of streaming it." };
        var system = new Option<string?>("--system") { Description = "A system prompt." };
        var chat = new Command("chat", "Chat through your configured providers (streams by default).") { prompt, config, emulate, noStream, system };
        chat.SetAction((result, token) => ChatCommand.RunAsync(
            context, result.GetValue(prompt), result.GetValue(config), result.GetValue(emulate), !result.GetValue(noStream), result.GetValue(system), token));
        root.Subcommands.Add(chat);

        var costPrompt = new Argument<string?>("prompt") { Description = "A prompt to estimate: input tokens and the minimum and maximum cost on each provider.", Arity = ArgumentArity.ZeroOrOne };
        var cost = new Command("cost", "Show the prices of the configured models and, with a prompt, what it would cost on each provider.") { costPrompt, config, emulate };
        cost.SetAction((result, token) => CostCommand.RunAsync(context, result.GetValue(costPrompt), result.GetValue(config), result.GetValue(emulate), token));
        root.Subcommands.Add(cost);

        var noCheck = new Option<bool>("--no-check") { Description = "Skip the credential checks (no network calls)." };
        var metricsIn = new Option<string?>("--metrics") { Description = "Also show a metrics snapshot saved as JSON (by `flexiai demo --metrics FILE` or an app's GetMetrics().ToJson())." };
        var status = new Command("status", "Show the providers in routing order, their breaker states and credential checks, rate-limit headroom, and metrics when there was traffic.") { config, emulate, noCheck, metricsIn };
        status.SetAction((result, token) => StatusCommand.RunAsync(context, result.GetValue(config), result.GetValue(emulate), !result.GetValue(noCheck), result.GetValue(metricsIn), token));
        root.Subcommands.Add(status);

        var file = new Argument<string?>("file") { Description = "The configuration file (default: FLEXIAI_CONFIG, then ./flexiai.json).", Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Validate a configuration file; exit code 0 only when it is valid.") { file };
        validate.SetAction(result => ValidateCommand.Run(context, result.GetValue(file)));
        root.Subcommands.Add(validate);

        var export = new Command("export", "Print the effective configuration as JSON, secrets masked.") { config };
        export.SetAction((result, token) => ConfigExportCommand.RunAsync(context, result.GetValue(config), token));
        var configCommand = new Command("config", "Configuration commands.") { export };
        root.Subcommands.Add(configCommand);

        var port = new Option<int>("--port", "-p") { Description = "The port to listen on (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var emulator = new Command("emulator", "Run the provider emulator (OpenAI, Anthropic, Vertex AI) until stopped.") { port };
        emulator.SetAction((result, token) => EmulatorCommand.RunAsync(context, result.GetValue(port), token));
        root.Subcommands.Add(emulator);

        var topUrl = new Option<string?>("--url") { Description = "The URL where an app mapped the dashboard (app.MapFlexiAIDashboard), e.g. http://localhost:5000/flexiai." };
        var topHeader = new Option<string[]>("--header") { Description = "A request header for --url, \"Name: value\" (repeatable), e.g. the credentials the dashboard requires.", Arity = ArgumentArity.ZeroOrMore };
        var topOnce = new Option<bool>("--once") { Description = "Print one frame and exit (with --emulate: after one pass of the scenario)." };
        var topDuration = new Option<double?>("--duration") { Description = "Stop after this many seconds." };
        var topInterval = new Option<double>("--interval") { Description = "Seconds between refreshes (at least 1).", DefaultValueFactory = _ => 1 };
        var top = new Command("top", "Live view of providers, breakers, latency and cost: from a running app's dashboard (--url) or the failover scenario on the embedded emulator (--emulate).")
            { topUrl, emulate, topHeader, topOnce, topDuration, topInterval };
        top.SetAction((result, token) => TopCommand.RunAsync(
            context, result.GetValue(topUrl), result.GetValue(emulate), result.GetValue(topHeader) ?? [], result.GetValue(topOnce), result.GetValue(topDuration), result.GetValue(topInterval), token));
        root.Subcommands.Add(top);
        var servePort = new Option<int>("--port", "-p") { Description = "The port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var serveHost = new Option<string>("--host") { Description = "The address to listen on (127.0.0.1, 0.0.0.0, localhost).", DefaultValueFactory = _ => "127.0.0.1" };
        var serve = new Command("serve", "Run the OpenAI-compatible gateway: any OpenAI client gets FlexiAI's failover by changing its base URL (docs/gateway.md).") { config, servePort, serveHost, emulate };
        serve.SetAction((result, token) => ServeCommand.RunAsync(context, result.GetValue(config), result.GetValue(emulate), result.GetValue(serveHost)!, result.GetValue(servePort), token));
        root.Subcommands.Add(serve);

        return root;
    }
}
