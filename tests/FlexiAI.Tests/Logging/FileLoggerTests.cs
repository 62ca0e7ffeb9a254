using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Logging;

public class FileLoggerTests
{
    [Fact]
    public async Task LoggingFile_ReceivesLinesAtOrAboveTheLevel_WithKeysMasked()
    {
        const string key = "sk-filelog-canary-0123456789abcdef";
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-{Guid.NewGuid():N}", "flexiai.log");
        var a = new FakeChatClient("a").ThenThrow(() => new HttpRequestException($"bad key {key}", null, System.Net.HttpStatusCode.Unauthorized));
        var options = TestClients.Options(a, FakeChatClient.Answering("b"));
        options.Providers[0].ApiKey = key;
        options.Logging.File = path;
        options.Logging.Level = LogLevel.Warning;
        using (var client = TestClients.Create(options))
        {
            await client.Ask();
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Contains(lines, l => l.Contains("Warning", StringComparison.Ordinal) && l.Contains("Provider a failed attempt 1: Authentication", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Information", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void LoggingFile_Unwritable_IsAConfigurationError()
    {
        var options = TestClients.Options(FakeChatClient.Answering("a"));
        options.Logging.File = "/proc/flexiai/cannot/write.log";
        var error = Assert.Throws<ConfigurationException>(() => TestClients.Create(options));
        Assert.Equal("logging.file", error.Errors[0].Path);
    }
}
