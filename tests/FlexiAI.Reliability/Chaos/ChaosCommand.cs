namespace FlexiAI.Reliability.Chaos;

public static class ChaosCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
