namespace FlexiAI.Reliability.Matrix;

/// <summary>
/// The rows of one primary's cells for a theory: every cell under <see cref="BreakerMode.Consecutive"/>, plus a representative
/// subset (<see cref="ModeSubset"/>) under every other breaker mode — keeping <c>dotnet test</c> short. The full matrix under
/// each mode: <c>dotnet run --project tests/FlexiAI.Reliability -- matrix [mode|all]</c>. A cell with a known defect is skipped
/// with the defect as the reason.
/// </summary>
public static class MatrixRows
{
    /// <summary>The (fault, call mode) cells run under every breaker mode in <c>dotnet test</c>: a retried-then-failed-over
    /// response, a failure after a role-only stream update, and a mid-stream continuation.</summary>
    public static readonly (string Fault, CallMode Mode)[] ModeSubset =
        [("503", CallMode.Response), ("truncated-before-text", CallMode.Stream), ("stream-error-event", CallMode.StreamContinue)];

    public static IEnumerable<TheoryDataRow<string>> For(string primary, bool streams) =>
        from cell in MatrixTable.Cells()
        where cell.Primary == primary && (cell.Mode != CallMode.Response) == streams
        let defect = cell.Fault.KnownDefect(cell.Primary, cell.Mode)
        from mode in BreakerMode.All
        where mode == BreakerMode.Consecutive || ModeSubset.Contains((cell.Fault.Id, cell.Mode))
        select new TheoryDataRow<string>(Key(cell, mode)) { Skip = defect is null ? null : "Known defect (documented behaviour asserted): " + defect };

    public static string Key(MatrixCell cell) => $"{cell.Fault.Id}|{cell.Mode}|{cell.Primary}";

    public static string Key(MatrixCell cell, BreakerMode mode) => mode == BreakerMode.Consecutive ? Key(cell) : $"{Key(cell)}@{mode.Name}";

    public static MatrixCell Find(string key) => MatrixTable.Cells().Single(c => Key(c) == key.Split('@')[0]);

    public static BreakerMode ModeOf(string key) => key.Split('@') is [_, var mode] ? BreakerMode.Find(mode) : BreakerMode.Consecutive;

    public static async Task CheckAsync(MatrixFixture fixture, string key)
    {
        var problems = await fixture.Runner.CheckAsync(Find(key), ModeOf(key));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(fixture.Canary.Hits == 0, "Canary found in FlexiAI's output: " + string.Join(" | ", fixture.Canary.FirstHits));
    }
}

public sealed class OpenAIResponseMatrix(OpenAIMatrixFixture fixture) : IClassFixture<OpenAIMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("openai", streams: false);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}

public sealed class OpenAIStreamMatrix(OpenAIMatrixFixture fixture) : IClassFixture<OpenAIMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("openai", streams: true);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}

public sealed class AnthropicResponseMatrix(AnthropicMatrixFixture fixture) : IClassFixture<AnthropicMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("anthropic", streams: false);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}

public sealed class AnthropicStreamMatrix(AnthropicMatrixFixture fixture) : IClassFixture<AnthropicMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("anthropic", streams: true);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}

public sealed class VertexAIResponseMatrix(VertexAIMatrixFixture fixture) : IClassFixture<VertexAIMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("vertexai", streams: false);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}

public sealed class VertexAIStreamMatrix(VertexAIMatrixFixture fixture) : IClassFixture<VertexAIMatrixFixture>
{
    public static IEnumerable<TheoryDataRow<string>> Cells => MatrixRows.For("vertexai", streams: true);

    [Theory]
    [MemberData(nameof(Cells))]
    public Task Cell(string cell) => MatrixRows.CheckAsync(fixture, cell);
}
