using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Providers;

/// <summary>
/// A configured model the provider's SDK lists as deprecated is warned about once per process, with its date. The warned-about
/// set is process-wide, so each test uses a model no other test configures.
/// </summary>
public sealed class ModelDeprecationsTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_deprecated_model_is_warned_about_once_per_process_with_its_date_and_replacement()
    {
        var first = new CapturingLoggerProvider();
        var second = new CapturingLoggerProvider();

        using (Client("claude-opus-4-5-20251101", first))
        using (Client("claude-opus-4-5-20251101", second))
        {
        }

        var warning = Assert.Single(first.Lines, l => l.Contains("claude-opus-4-5-20251101", StringComparison.Ordinal));
        Assert.StartsWith("Warning:", warning, StringComparison.Ordinal);
        Assert.Contains("deprecated and reaches end of life on 2027-01-22", warning, StringComparison.Ordinal);
        Assert.Contains("Migrate to claude-opus-5-5.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Lines, l => l.Contains("claude-opus-4-5-20251101", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retired_model_is_warned_about_as_retired()
    {
        var logs = new CapturingLoggerProvider();

        using var client = Client("claude-3-opus-20240229", logs);

        var warning = Assert.Single(logs.Lines, l => l.Contains("claude-3-opus-20240229", StringComparison.Ordinal));
        Assert.Contains("reached end of life on 2026-01-05 and is retired", warning, StringComparison.Ordinal);
        Assert.Contains($"e.g. {AnthropicModels.Example}", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_without_logging_does_not_use_up_the_warning()
    {
        var options = Options("claude-sonnet-4-5-20250929");
        using (new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = new FakeTimeProvider(Today) }))
        {
        }

        var logs = new CapturingLoggerProvider();
        using var client = Client("claude-sonnet-4-5-20250929", logs);

        Assert.Single(logs.Lines, l => l.Contains("claude-sonnet-4-5-20250929", StringComparison.Ordinal) && l.Contains("2026-11-30", StringComparison.Ordinal));
    }

    [Fact]
    public void Current_models_are_not_warned_about()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = new FlexiAIOptions();
        foreach (var builtIn in ProviderFactory.BuiltIn.Where(f => f.ExampleModel is not null))
        {
            options.Providers.Add(new ProviderOptions { Name = builtIn.Type, Model = builtIn.ExampleModel!, ChatClient = new FakeChatClient(builtIn.Type) });
        }

        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = new FakeTimeProvider(Today), LoggerFactory = factory });

        Assert.DoesNotContain(logs.Lines, l => l.Contains("end of life", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_info_reports_the_retirement_date_and_replacement()
    {
        var info = ProviderFactory.BuiltIn.Single(f => f.Type == ProviderTypes.Anthropic).DescribeModel("claude-sonnet-4-5");

        Assert.Equal((new DateOnly(2026, 11, 30), "claude-sonnet-5-5"), (info.RetiresOn!.Value, info.Replacement));
    }

    private static FlexiAIOptions Options(string model)
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "claude", Type = ProviderTypes.Anthropic, Model = model, ChatClient = new FakeChatClient("claude") });
        return options;
    }

    private static FlexiAIClient Client(string model, CapturingLoggerProvider logs) =>
        new(Options(model), new FlexiAIClientOptions { TimeProvider = new FakeTimeProvider(Today), LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs)) });
}
