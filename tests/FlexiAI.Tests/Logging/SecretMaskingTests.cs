using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

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
}
