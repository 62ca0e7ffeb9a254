namespace FlexiAI.Reliability.Fuzzing;

public static class FuzzCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
