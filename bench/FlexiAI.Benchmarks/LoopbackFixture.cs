using System.Collections.Concurrent;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI.Benchmarks;

/// <summary>
/// The emulator in this process and the clients the loopback benchmarks compare, all over the same transport:
/// <list type="bullet">
/// <item><see cref="Direct"/>: the provider SDK's <see cref="IChatClient"/> exactly as FlexiAI's factory builds it (retries off), without FlexiAI's wrappers;</item>
/// <item><see cref="Wrapped"/>: what the factory returns (the SDK client inside FlexiAI's provider wrappers), called directly — the wrappers' cost;</item>
/// <item><see cref="FlexiAI"/>: <see cref="FlexiAIClient"/> with one provider of that type, default options except one attempt.</item>
/// </list>
/// </summary>
internal sealed class LoopbackFixture : IAsyncDisposable
{
    private readonly EmulatorHost _emulator;
    private readonly ConcurrentQueue<CancellationTokenSource> _deadlinePool = new();

    private LoopbackFixture(EmulatorHost emulator, string providerType, IChatClient direct, IChatClient wrapped, FlexiAIClient flexiAI, TimeSpan attemptTimeout)
    {
        _emulator = emulator;
        ProviderType = providerType;
        Direct = direct;
        Wrapped = wrapped;
        FlexiAI = flexiAI;
        AttemptTimeout = attemptTimeout;
    }

    public string ProviderType { get; }

    public IChatClient Direct { get; }

    public IChatClient Wrapped { get; }

    public FlexiAIClient FlexiAI { get; }

    /// <summary>Gets the attempt timeout FlexiAI arms per attempt (the default), for the "direct + a deadline token" step.</summary>
    public TimeSpan AttemptTimeout { get; }

    /// <summary>Gets the request every benchmark sends: one short user message, no options.</summary>
    public List<ChatMessage> Messages { get; } = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "What is a circuit breaker?")];

    /// <summary>Starts the emulator and builds the clients for <paramref name="providerType"/> (<c>openai</c> or <c>anthropic</c>).</summary>
    public static async Task<LoopbackFixture> StartAsync(string providerType = ProviderTypes.OpenAI)
    {
        var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard()).ConfigureAwait(false);
        foreach (var instance in emulator.Instances)
        {
            instance.Options.JournalCapacity = 100;
        }

        var name = providerType switch
        {
            ProviderTypes.OpenAI => "openai",
            ProviderTypes.Anthropic => "anthropic",
            _ => throw new ArgumentException($"Provider type '{providerType}' is not benchmarked over loopback; use openai or anthropic.", nameof(providerType)),
        };
        var baseUrl = emulator[name].BaseUrl;
        var provider = new ProviderOptions
        {
            Name = name,
            Type = providerType,
            Priority = 1,
            Model = providerType == ProviderTypes.OpenAI ? "gpt-4.1-mini" : "claude-sonnet-4-5",
            ApiKey = "bench",
            BaseUrl = baseUrl,
        };

        // Direct: the SDK client the factory builds, with the same options (retries off, same transport: the SDK's default).
        var time = TimeProvider.System;
        IChatClient direct = providerType == ProviderTypes.OpenAI
            ? OpenAIProviderFactory.CreateSdkClient(provider, http: null).GetChatClient(provider.Model).AsIChatClient()
            : AnthropicProviderFactory.CreateSdkClient(provider, new HttpClient { Timeout = Timeout.InfiniteTimeSpan }).AsIChatClient(provider.Model, AnthropicProviderFactory.DefaultMaxOutputTokens);
        ProviderFactory factory = providerType == ProviderTypes.OpenAI ? new OpenAIProviderFactory() : new AnthropicProviderFactory();
        var wrapped = factory.CreateClient(provider, new ProviderFactoryContext(time, NullLoggerFactory.Instance, HttpMessageHandler: null));

        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(provider);
        var flexiAI = new FlexiAIClient(options);
        return new LoopbackFixture(emulator, providerType, direct, wrapped, flexiAI, options.AttemptTimeout);
    }

    /// <summary>The direct SDK call under a fresh cancellation source with the attempt timeout armed, as FlexiAI's attempt deadline does.</summary>
    public async Task<ChatResponse> DirectWithDeadlineAsync()
    {
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(AttemptTimeout);
        return await Direct.GetResponseAsync(Messages, null, cts.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// The direct SDK call under a deadline taken from a pool: a <see cref="CancellationTokenSource"/> that ended uncancelled
    /// is reset (<see cref="CancellationTokenSource.TryReset"/>: its timer and its registration nodes are kept) and reused.
    /// Measures what pooling would save FlexiAI's attempt deadline.
    /// </summary>
    public async Task<ChatResponse> DirectWithPooledDeadlineAsync()
    {
        if (!_deadlinePool.TryDequeue(out var cts))
        {
            cts = new CancellationTokenSource();
        }

        cts.CancelAfter(AttemptTimeout);
        try
        {
            return await Direct.GetResponseAsync(Messages, null, cts.Token).ConfigureAwait(false);
        }
        finally
        {
            if (cts.TryReset())
            {
                _deadlinePool.Enqueue(cts);
            }
            else
            {
                cts.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        FlexiAI.Dispose();
        Wrapped.Dispose();
        Direct.Dispose();
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }
}
