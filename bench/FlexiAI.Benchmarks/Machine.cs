namespace FlexiAI.Benchmarks;

/// <summary>Facts about the machine printed next to every measurement.</summary>
internal static class Machine
{
    /// <summary>The 1/5/15-minute load average (Linux <c>/proc/loadavg</c>), or <c>n/a</c> where there is none.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
