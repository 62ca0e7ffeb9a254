using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Logging;

public class SecretMaskingTests
{
    private const string Canary = "sk-canary-9f8e7d6c5b4a39281706fedcba";

    [Fact]
    public async Task CanaryKey_NeverAppearsInLogsExceptionsToStringOrExport()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        // Providers that echo the key back in their error text, as real APIs do ("Incorrect API key provided: sk-…").
        var a = new FakeChatClient("a").ThenThrow(() => new HttpRequestException($"Incorrect API key provided: {Canary}", null, HttpStatusCode.Unauthorized));
        var b = new FakeChatClient("b").ThenThrow(() => new InvalidOperationException($"bad key {Canary}"));
        var options = TestClients.Options(a, b);
        options.Providers[0].ApiKey = Canary;
        options.Providers[1].ApiKey = Canary;
        options.CircuitBreaker.FailureThreshold = 1;
        var hookTexts = new List<string>();
        var hooks = new FlexiAIHooks().OnError((c, _) => { hookTexts.Add(c.Exception!.Message); return ValueTask.CompletedTask; });
        using var client = TestClients.Create(options, hooks: hooks, loggerFactory: factory);

        var texts = new List<string>();
        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());
        texts.Add(error.Message);
        texts.AddRange(error.Errors.Select(e => e.Message));
        texts.AddRange(error.Errors.OfType<ProviderException>().Select(e => e.ProviderMessage));
        texts.Add(error.Route!.ToString());
        var skipped = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());
        texts.Add(skipped.Message);
        texts.Add(options.Providers[0].ToString());
        texts.Add(client.ExportConfiguration());
        texts.AddRange(client.GetProviderStatus().Select(s => s.ToString()));
        texts.AddRange(capture.Lines);
        texts.AddRange(hookTexts);

        Assert.NotEmpty(capture.Lines);
        Assert.All(texts, t => Assert.DoesNotContain(Canary, t, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("***", StringComparison.Ordinal));
    }

    [Fact]
    public void Mask_ShowsOnlyTheLastFourOfLongKeys()
    {
        Assert.Equal("(not set)", SecretMasker.Mask(null));
        Assert.Equal("***", SecretMasker.Mask("short"));
        Assert.Equal("***dcba", SecretMasker.Mask(Canary));
    }

    [Fact]
    public void Redact_RemovesKeyShapedTokensEvenWhenUnregistered()
    {
        var text = SecretMasker.Redact("key sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX and AIzaSyA1234567890123456789012345678901 end");
        Assert.DoesNotContain("ABCDEFGHIJKLMNOP", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AIzaSyA12345678901234", text, StringComparison.Ordinal);
        Assert.EndsWith("end", text, StringComparison.Ordinal);
        _ = new ChatMessage();
    }

    // Each test registers its own secrets: the registry is process-wide and other tests run in parallel.
    private static string NewSecret() => $"flexiai-secret-{Guid.NewGuid():N}";

    [Fact]
    public void Register_is_reference_counted_and_disposing_the_last_registration_releases_the_secret()
    {
        var secret = NewSecret();
        var first = SecretMasker.Register(secret);
        var second = SecretMasker.Register(secret);
        Assert.DoesNotContain(secret, SecretMasker.Redact($"key {secret} end"), StringComparison.Ordinal);

        first.Dispose();
        first.Dispose(); // A second dispose of the same registration releases nothing more.
        Assert.DoesNotContain(secret, SecretMasker.Redact($"key {secret} end"), StringComparison.Ordinal);

        second.Dispose();
        Assert.Equal($"key {secret} end", SecretMasker.Redact($"key {secret} end"));
    }

    [Fact]
    public void Redact_masks_every_registered_secret_and_the_longest_match_first()
    {
        var shortSecret = "flexiai-" + Guid.NewGuid().ToString("N")[..8];
        var longSecret = shortSecret + "-and-more-0123456789";
        var other = NewSecret();
        using var a = SecretMasker.Register(shortSecret);
        using var b = SecretMasker.Register(longSecret);
        using var c = SecretMasker.Register(other);

        var text = SecretMasker.Redact($"[{longSecret}] [{shortSecret}] [{other}] [{other}]");

        Assert.Equal($"[{SecretMasker.Mask(longSecret)}] [***] [{SecretMasker.Mask(other)}] [{SecretMasker.Mask(other)}]", text);
    }

    [Fact]
    public void Redact_allocates_nothing_when_the_text_holds_no_secret()
    {
        using var registration = SecretMasker.Register(NewSecret());
        const string Clean = "Provider 'openai' (model 'gpt-4.1-mini') failed on attempt 1: ServerError (HTTP 500): upstream error.";
        Assert.Same(Clean, SecretMasker.Redact(Clean));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            SecretMasker.Redact(Clean);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_disposed_client_unregisters_its_keys_and_a_shared_key_stays_until_the_last_client_goes()
    {
        var key = NewSecret();
        var secretSetting = NewSecret();
        FlexiAIClient Create()
        {
            var options = TestClients.Options(FakeChatClient.Answering("a"));
            options.Providers[0].ApiKey = key;
            options.Providers[0].Settings["access_token"] = secretSetting;
            return TestClients.Create(options);
        }

        var first = Create();
        var second = Create();
        Assert.DoesNotContain(secretSetting, SecretMasker.Redact(secretSetting), StringComparison.Ordinal);
        first.Dispose();
        Assert.DoesNotContain(key, SecretMasker.Redact(key), StringComparison.Ordinal);

        second.Dispose();
        Assert.Equal(key, SecretMasker.Redact(key));
        Assert.Equal(secretSetting, SecretMasker.Redact(secretSetting));
    }

    [Fact]
    public async Task A_reload_that_drops_a_key_releases_it_once_the_old_providers_retire()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var oldKey = NewSecret();
        var newKey = NewSecret();
        var answer = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new FakeChatClient("a").Then(_ => answer.Task);
        var options = TestClients.Options(slow);
        options.Providers[0].ApiKey = oldKey;
        using var client = TestClients.Create(options, time);
        var inFlight = client.Ask();
        await TestClients.Until(() => slow.Calls == 1);

        var next = TestClients.Options(FakeChatClient.Answering("a"));
        next.Providers[0].ApiKey = newKey;
        await client.ReloadAsync(next, TestContext.Current.CancellationToken);

        // A request that started before the reload still runs on the old key: it stays masked until that request ends.
        Assert.DoesNotContain(oldKey, SecretMasker.Redact(oldKey), StringComparison.Ordinal);
        answer.SetResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
        await inFlight;
        Assert.Equal(oldKey, SecretMasker.Redact(oldKey));
        Assert.DoesNotContain(newKey, SecretMasker.Redact(newKey), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_client_keeps_no_registration()
    {
        var key = NewSecret();
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", ApiKey = key }); // no model: refused

        Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options));

        Assert.Equal(key, SecretMasker.Redact(key));
    }

    [Fact]
    public async Task Redact_stays_correct_while_registrations_come_and_go()
    {
        var stable = NewSecret();
        using var keep = SecretMasker.Register(stable);
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                SecretMasker.Register(NewSecret()).Dispose();
            }
        }, TestContext.Current.CancellationToken);

        for (var i = 0; i < 2000; i++)
        {
            Assert.DoesNotContain(stable, SecretMasker.Redact($"x {stable} y"), StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        await churn;
    }
}
