namespace FlexiAI.Reliability.Matrix;

/// <summary>The rows of one primary's cells for a theory; a cell with a known defect is skipped with the defect as the reason.</summary>
public static class MatrixRows
{
    public static IEnumerable<TheoryDataRow<string>> For(string primary, bool streams) =>
        from cell in MatrixTable.Cells()
        where cell.Primary == primary && (cell.Mode != CallMode.Response) == streams
        let defect = cell.Fault.KnownDefect(cell.Primary, cell.Mode)
        select new TheoryDataRow<string>(Key(cell)) { Skip = defect is null ? null : "Known defect (documented behaviour asserted): " + defect };

    public static string Key(MatrixCell cell) => $"{cell.Fault.Id}|{cell.Mode}|{cell.Primary}";

    public static MatrixCell Find(string key) => MatrixTable.Cells().Single(c => Key(c) == key);

    public static async Task CheckAsync(MatrixFixture fixture, string key)
    {
        var problems = await fixture.Runner.CheckAsync(Find(key));
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
