using System.Text.RegularExpressions;

namespace FlexiAI.Reliability.Matrix;

/// <summary>The matrix's policy table is the documented one, and the code's defaults agree with it.</summary>
public sealed partial class PolicyTableTests
{
    [Theory]
    [InlineData("docs/errors.md")]
    [InlineData("docs/routing.md")]
    public void The_matrix_policy_table_is_the_documented_one(string doc)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(MatrixDocument.DocPath()))!;
        var rows = File.ReadAllLines(Path.Combine(root, doc))
            .Select(line => Row().Match(line))
            .Where(m => m.Success && Enum.TryParse<ErrorCategory>(m.Groups["category"].Value, out _))
            .ToDictionary(m => Enum.Parse<ErrorCategory>(m.Groups["category"].Value), m => (Yes(m.Groups["retry"].Value), Yes(m.Groups["failover"].Value), Yes(m.Groups["counts"].Value)));

        Assert.Equal(Enum.GetValues<ErrorCategory>().Length, rows.Count);
        foreach (var (category, documented) in rows)
        {
            Assert.True(DocumentedPolicy.Table[category] == documented, $"{doc} says {category} is {documented}; the matrix uses {DocumentedPolicy.Table[category]}");
        }
    }

    [Fact]
    public void The_code_defaults_match_the_documented_policy()
    {
        foreach (var (category, (retry, failover, counts)) in DocumentedPolicy.Table)
        {
            Assert.Equal(new ErrorPolicy(retry, failover, counts), ErrorPolicy.GetDefault(category));
        }
    }

    [Fact]
    public void Every_status_the_matrix_injects_maps_to_its_documented_category()
    {
        // docs/errors.md "any" rows: the generic status mapping every adapter falls back to.
        Assert.Equal(ErrorCategory.RateLimited, ProviderAdapter.CategorizeStatus(429));
        Assert.Equal(ErrorCategory.ServerError, ProviderAdapter.CategorizeStatus(500));
        Assert.Equal(ErrorCategory.ServerError, ProviderAdapter.CategorizeStatus(502));
        Assert.Equal(ErrorCategory.Overloaded, ProviderAdapter.CategorizeStatus(503));
        Assert.Equal(ErrorCategory.Timeout, ProviderAdapter.CategorizeStatus(504));
        Assert.Equal(ErrorCategory.Overloaded, ProviderAdapter.CategorizeStatus(529));
        Assert.Equal(ErrorCategory.Authentication, ProviderAdapter.CategorizeStatus(401));
        Assert.Equal(ErrorCategory.PermissionDenied, ProviderAdapter.CategorizeStatus(403));
        Assert.Equal(ErrorCategory.InvalidRequest, ProviderAdapter.CategorizeStatus(400));
        Assert.Equal(ErrorCategory.NotFound, ProviderAdapter.CategorizeStatus(404));
        Assert.Equal(ErrorCategory.InvalidRequest, ProviderAdapter.CategorizeStatus(413));
    }

    [Fact]
    public void Docs_reliability_md_shows_the_current_matrix()
    {
        var path = MatrixDocument.DocPath();
        var document = File.ReadAllText(path);
        Assert.True(
            document.Contains(MatrixDocument.Render(), StringComparison.Ordinal),
            "docs/reliability.md's matrix is stale. Regenerate it: dotnet run --project tests/FlexiAI.Reliability -- docs");
    }

    private static bool Yes(string cell) => cell.Trim('*', ' ') == "yes";

    [GeneratedRegex(@"^\|\s*\[?(?<category>[A-Za-z]+)\]?(\([^)]*\))?\s*\|(?:[^|]*\|)??\s*(?<retry>\**(?:yes|no)\**)\s*\|\s*(?<failover>\**(?:yes|no)\**)\s*\|\s*(?<counts>\**(?:yes|no)\**)\s*\|\s*$")]
    private static partial Regex Row();
}
