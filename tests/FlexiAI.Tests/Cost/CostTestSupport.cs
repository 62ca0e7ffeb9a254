using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Cost;

/// <summary>An IChatClient that answers with a fixed usage (or fails with a status) and counts its calls.</summary>
internal sealed class UsageChatClient(UsageDetails? usage, int? failWith = null) : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public UsageDetails? Usage { get; set; } = usage;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (failWith is { } status)
        {
            throw new HttpRequestException($"HTTP {status}", null, (HttpStatusCode)status);
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = Usage });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
        yield return new ChatResponseUpdate { Contents = [new UsageContent(Usage!)], FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

internal static class CostTestSupport
{
    public static UsageDetails Usage(long input, long output, long cached = 0) =>
        new() { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached == 0 ? null : cached, TotalTokenCount = input + output };

    public static ProviderOptions Provider(string name, string type, string model, IChatClient client, int priority) =>
        new() { Name = name, Type = type, Model = model, ChatClient = client, Priority = priority };

    public static FlexiAIOptions Options(params ProviderOptions[] providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        foreach (var provider in providers)
        {
            options.Providers.Add(provider);
        }

        return options;
    }

    public static FlexiAIClient Client(FlexiAIOptions options, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? logging = null) =>
        new(options, new FlexiAIClientOptions { TimeProvider = time ?? TimeProvider.System, LoggerFactory = logging, EnvironmentVariables = _ => null });
}
