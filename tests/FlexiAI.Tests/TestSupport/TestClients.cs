using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.TestSupport;

/// <summary>Builds FlexiAIClients over fake providers with deterministic settings.</summary>
public static class TestClients
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FlexiAIOptions Options(params IChatClient[] providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.Retry.UseJitter = false;
        options.Retry.MaxAttempts = 1;
        var priority = 1;
        foreach (var provider in providers)
        {
            var name = provider is FakeChatClient fake ? fake.Name : $"p{priority}";
            options.Providers.Add(new ProviderOptions { Name = name, Priority = priority++, Model = $"{name}-model", ChatClient = provider });
        }

        return options;
    }

    public static FlexiAIClient Create(FlexiAIOptions options, FakeTimeProvider? time = null, FlexiAIHooks? hooks = null, ILoggerFactory? loggerFactory = null) =>
        new(options, new FlexiAIClientOptions { TimeProvider = time ?? new FakeTimeProvider(Start), Hooks = hooks, LoggerFactory = loggerFactory, Random = new Random(42) });

    public static Task<ChatResponse> Ask(this IChatClient client, CancellationToken cancellationToken = default) =>
        client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], null, cancellationToken);

    /// <summary>Waits (real time, bounded) until a condition holds; used to observe background progress without sleeping for fixed periods.</summary>
    public static async Task Until(Func<bool> condition, int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not reached.");
            }

            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
