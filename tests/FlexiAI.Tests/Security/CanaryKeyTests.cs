using System.Collections.Concurrent;
using System.Net.Http.Json;
using FlexiAI.Emulator;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Security;

/// <summary>
/// A canary API key that the providers echo back in their error bodies (as real APIs do: "Incorrect API key provided: …") must
/// appear nowhere FlexiAI writes text: logs at Trace (message and exception), the log file, the ToString() of every exception it
/// throws and of each error those carry, the exceptions hooks receive, exports and route reports.
/// </summary>
public sealed class CanaryKeyTests : IAsyncLifetime
{
    // Not shaped like a provider key, so only the registration of configured keys can mask it.
    private const string Canary = "flexiai-canary-Q7vX2mLp9RtZ4wNc8KdJ";
    private EmulatorHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            instance.ApiKey = Canary;
        }

        _host = await EmulatorHost.StartAsync(options, Token);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_key_echoed_by_every_provider_appears_in_no_log_exception_hook_export_or_route()
    {
        // Each provider's error body echoes the key, scripted through the emulator's control endpoint.
        await ScriptAsync("openai", new { kind = "status", status = 401, message = $"Incorrect API key provided: {Canary}.", always = true });
        await ScriptAsync("anthropic", new { kind = "status", status = 500, message = $"Internal error while checking key {Canary}", always = true });
        await ScriptAsync("vertexai", new { kind = "status", status = 403, message = $"Permission denied for key {Canary}", always = true });
        var fake = new FakeChatClient("fake").ThenThrow(() =>
            new InvalidOperationException($"upstream rejected {Canary}", new HttpRequestException($"inner detail: key={Canary}")));

        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var logFile = Path.Combine(Path.GetTempPath(), $"flexiai-canary-{Guid.NewGuid():N}", "flexiai.log");
        var options = Options(logFile, Provider("openai", 1), Provider("anthropic", 2), Provider("vertexai", 3),
            new ProviderOptions { Name = "fake", Priority = 4, Model = "fake-model", ApiKey = Canary, ChatClient = fake });
        options.CircuitBreaker.FailureThreshold = 1;

        var hookTexts = new ConcurrentQueue<string>();
        var hooks = new FlexiAIHooks()
            .OnError((c, _) => Capture(hookTexts, c.Exception))
            .OnFailover((c, _) => Capture(hookTexts, c.Exception))
            .OnError((_, _) => throw new InvalidOperationException($"a hook that prints the key: {Canary}"));

        var texts = new List<string>();
        using (var client = new FlexiAIClient(options, new FlexiAIClientOptions { LoggerFactory = factory, Hooks = hooks, EnvironmentVariables = _ => null }))
        {
            // Every provider fails (and every breaker opens), then every provider is skipped.
            var failed = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi", cancellationToken: Token));
            var skipped = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi", cancellationToken: Token));
            Assert.Equal(4, failed.Errors.OfType<ProviderException>().Count());
            Assert.All(skipped.Errors, e => Assert.IsType<CircuitOpenException>(e));
            AddException(texts, failed);
            AddException(texts, skipped);
            texts.Add(client.ExportConfiguration());
            texts.AddRange(client.GetProviderStatus().Select(s => s.ToString()));
        }

        texts.AddRange(await StreamInterruptionsAsync());
        texts.AddRange(capture.Lines);
        texts.AddRange(await File.ReadAllLinesAsync(logFile, Token));
        texts.AddRange(hookTexts);

        Assert.NotEmpty(hookTexts);
        Assert.Contains(capture.Lines, l => l.Contains("hook threw", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain(Canary, t, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("***8KdJ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_provider_exception_keeps_the_sdk_exception_type_status_and_stack_without_its_secret()
    {
        await ScriptAsync("openai", new { kind = "status", status = 401, message = $"Incorrect API key provided: {Canary}.", always = true });
        using var client = EmulatedClient(Provider("openai", 1));

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi", cancellationToken: Token));

        var provider = Assert.IsType<ProviderException>(Assert.Single(error.Errors));
        var inner = Assert.IsType<RedactedException>(provider.InnerException);
        Assert.Equal("System.ClientModel.ClientResultException", inner.OriginalTypeName);
        Assert.Equal(401, inner.StatusCode);
        Assert.Contains("***8KdJ", inner.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(inner.StackTrace));
        Assert.StartsWith("System.ClientModel.ClientResultException (redacted)", inner.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
    }

    private static ValueTask Capture(ConcurrentQueue<string> texts, Exception? exception)
    {
        if (exception is not null)
        {
            texts.Enqueue(exception.ToString());
            texts.Enqueue(exception.Message);
        }

        return ValueTask.CompletedTask;
    }

    private static void AddException(List<string> texts, Exception exception)
    {
        texts.Add(exception.ToString());
        texts.Add(exception.Message);
        if (exception is FlexiAIException { Route: { } route })
        {
            texts.Add(route.ToString());
        }

        if (exception is AllProvidersFailedException all)
        {
            foreach (var error in all.Errors)
            {
                AddException(texts, error);
            }
        }

        if (exception is ProviderException provider)
        {
            texts.Add(provider.ProviderMessage);
            texts.Add(provider.Hint);
        }
    }

    /// <summary>Streams that deliver text and then fail with the key in the failure: the emulator's Anthropic error event, and an SDK-less client.</summary>
    private async Task<List<string>> StreamInterruptionsAsync()
    {
        var texts = new List<string>();
        _host["anthropic"].Faults.Clear();
        await ScriptAsync("anthropic", new { kind = "stream_error", after_chunks = 2, status = 529, message = $"Overloaded while serving {Canary}" });
        var fake = FakeChatClient.Answering("fake-stream");
        fake.StreamChunks = ["one ", "two ", "three"];
        fake.StreamFailure = (i, _) => i == 2 ? new IOException($"connection reset for {Canary}", new InvalidOperationException($"socket said {Canary}")) : null;

        foreach (var provider in new[] { Provider("anthropic", 1), new ProviderOptions { Name = "fake-stream", Model = "m", ApiKey = Canary, ChatClient = fake } })
        {
            using var client = EmulatedClient(provider);
            var interrupted = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Token))
                {
                    texts.Add(update.Text);
                }
            });
            Assert.NotEmpty(interrupted.PartialText);
            AddException(texts, interrupted);
        }

        return texts;
    }

    private static FlexiAIClient EmulatedClient(ProviderOptions provider) =>
        new(Options(null, provider), new FlexiAIClientOptions { EnvironmentVariables = _ => null });

    private static FlexiAIOptions Options(string? logFile, params ProviderOptions[] providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Logging.Level = LogLevel.Trace;
        options.Logging.File = logFile;
        foreach (var provider in providers)
        {
            options.Providers.Add(provider);
        }

        return options;
    }

    private ProviderOptions Provider(string kind, int priority)
    {
        var provider = new ProviderOptions
        {
            Name = kind,
            Priority = priority,
            Model = kind switch { "openai" => "gpt-4.1-mini", "anthropic" => "claude-sonnet-4-5", _ => "gemini-2.0-flash" },
            ApiKey = kind == "vertexai" ? null : Canary,
            BaseUrl = _host[kind].BaseUrl,
        };
        if (kind == "vertexai")
        {
            provider.Settings["project"] = "flexiai-tests";
            provider.Settings["location"] = "us-central1";
            provider.Settings["access_token"] = Canary;
        }

        return provider;
    }

    private async Task ScriptAsync(string instance, object fault)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri($"{_host.ControlUrl}/{instance}/faults"), fault, Token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
    }
}
