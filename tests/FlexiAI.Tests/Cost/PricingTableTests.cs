using System.Text;
using System.Text.RegularExpressions;

namespace FlexiAI.Tests.Cost;

public sealed partial class PricingTableTests
{
    [Fact]
    public void The_shipped_table_parses_and_has_a_data_date_and_a_source()
    {
        var table = PricingTable.Default;

        Assert.True(table.DataDate >= new DateOnly(2026, 1, 1));
        Assert.StartsWith("@pydantic/genai-prices@", table.Source, StringComparison.Ordinal);
        Assert.True(table.Count > 100);
    }

    [Theory]
    [InlineData("gpt-5.4-mini", "openai", "gpt-5.4-mini")]
    [InlineData("gpt-5.4-mini-2026-03-17", "openai", "gpt-5.4-mini")] // dated snapshot
    [InlineData("GPT-5.4", "openai", "gpt-5.4")] // case
    [InlineData("gpt-5-chat-latest", "openai", "gpt-5")] // -latest alias listed by the source
    [InlineData("claude-sonnet-4-5-20250929", "anthropic", "claude-sonnet-4-5")] // compact-date snapshot
    [InlineData("claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest")]
    [InlineData("claude-opus-4-5@20251101", "vertexai", "claude-opus-4-5")] // Claude on Vertex, @version
    [InlineData("publishers/google/models/gemini-3.5-flash", "vertexai", "gemini-3.5-flash")] // Vertex path
    [InlineData("projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro", "vertexai", "gemini-2.5-pro")]
    [InlineData("models/gemini-2.0-flash-001", "vertexai", "gemini-2.0-flash")]
    [InlineData("gemini-2.5-flash-latest", "vertexai", "gemini-2.5-flash")]
    [InlineData("gpt-5.4-mini", null, "gpt-5.4-mini")] // no provider type: every provider is searched
    public void Names_resolve_the_way_users_write_them(string model, string? type, string pricedAs)
    {
        Assert.Equal(pricedAs, PricingTable.Default.Find(model, type)?.Model);
    }

    [Fact]
    public void An_unknown_model_has_no_price()
    {
        Assert.Null(PricingTable.Default.Find("my-local-llama", "openai"));
    }

    [Fact]
    public void Tiers_and_cached_prices_come_from_the_data_file()
    {
        var pro = PricingTable.Default.Find("gemini-2.5-pro", "vertexai")!;

        Assert.Equal((1.25m, 10m, 0.125m), (pro.InputPerMillion, pro.OutputPerMillion, pro.CachedInputPerMillion));
        var tier = Assert.Single(pro.Tiers);
        Assert.Equal((200_000L, 2.5m, 15m, 0.25m), (tier.AboveInputTokens, tier.InputPerMillion, tier.OutputPerMillion, tier.CachedInputPerMillion));
        var sonnet = PricingTable.Default.Find("claude-sonnet-5", "anthropic")!;
        Assert.Equal((2m, 10m, 0.2m, 2.5m), (sonnet.InputPerMillion, sonnet.OutputPerMillion, sonnet.CachedInputPerMillion, sonnet.CacheWritePerMillion));
    }

    [Fact]
    public void Dated_price_changes_apply_from_their_date()
    {
        var before = PricingTable.Default.Find("gemini-3.6-flash", "vertexai", new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero))!;
        var after = PricingTable.Default.Find("gemini-3.6-flash", "vertexai", new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero))!;

        Assert.Equal(0.75m, before.InputPerMillion);
        Assert.Equal(1.5m, after.InputPerMillion);
    }

    [Fact]
    public void A_file_that_is_not_a_pricing_table_is_refused_with_its_place()
    {
        var error = Assert.Throws<FormatException>(() => PricingTable.Load(new MemoryStream(Encoding.UTF8.GetBytes("{\"providers\": []}"))));

        Assert.Contains("data_date", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai", TokenCountMethod.O200k, false)]
    [InlineData("azure_openai", TokenCountMethod.O200k, false)]
    [InlineData("vertexai", TokenCountMethod.Approximation, true)]
    [InlineData("gemini", TokenCountMethod.Approximation, true)]
    [InlineData("anthropic", TokenCountMethod.Approximation, false)]
    public void Provider_types_on_the_same_wire_share_token_rules(string type, TokenCountMethod method, bool reasoningOutsideOutput) =>
        Assert.Equal((method, reasoningOutsideOutput), ProviderTokenRules.For(type));

    [Fact]
    public void Every_model_named_in_the_readme_docs_samples_and_defaults_is_priced()
    {
        var root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "samples"), "*.*", SearchOption.AllDirectories)
                .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
        var named = files.SelectMany(f => ModelName().Matches(File.ReadAllText(f)).Select(m => (Model: m.Value, File: Path.GetRelativePath(root, f))))
            // Ollama's models run locally and are priced at zero by rule (CostAccounting.Resolve), not from the table.
            .Concat(ProviderFactory.BuiltIn.Where(f => f.Type != ProviderTypes.Ollama).Select(f => (Model: f.ExampleModel ?? string.Empty, File: $"defaults ({f.Type})")))
            .Where(m => m.Model.Length > 0)
            .ToList();

        Assert.NotEmpty(named);
        var unpriced = named.Where(m => PricingTable.Default.Find(m.Model) is null).Select(m => $"{m.Model} ({m.File})").Distinct().ToList();
        Assert.True(unpriced.Count == 0, "Not priced: " + string.Join(", ", unpriced));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    // Full model names only (a family prefix such as "gemini-3" in a table of families is not a model).
    [GeneratedRegex(@"\b(?:gpt-\d(?:\.\d)?(?:-(?:mini|nano|pro|turbo))?(?:-\d{4}-\d{2}-\d{2})?|claude-(?:opus|sonnet|haiku|fable|mythos)-\d(?:-\d)?(?:-\d{8})?|gemini-\d\.\d-(?:flash|pro)(?:-lite)?)\b(?![-.\w])")]
    private static partial Regex ModelName();
}
