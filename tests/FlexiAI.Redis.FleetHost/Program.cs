using System.Collections.Concurrent;
using System.Globalization;
using FlexiAI;
using FlexiAI.Redis;
using FlexiAI.Redis.FleetHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

// One fleet instance, a real OS process. Line protocol on stdin/stdout: it prints READY when started; then
//   START <mode> <redis connection> <prefix> <limit>  builds a FlexiAIClient over Redis (prints READY when it has loaded the state)
//   GO | RELEASE | STATS | STATE                      drive and observe the mode (see Session)
//   STOP                                               disposes the client and its Redis connection (prints STOPPED)
//   QUIT                                               exits
// One process serves several tests in turn (START … STOP), so the tests pay the runtime's start-up once per process.
var output = new Output();
output.Line("READY");
Session? session = null;
while (Console.ReadLine() is { } command)
{
    var parts = command.Split(' ');
    switch (parts[0])
    {
        case "START":
            session = await Session.StartAsync(parts[1], parts[2], parts[3], int.Parse(parts[4], CultureInfo.InvariantCulture), output);
            output.Line("READY");
            break;
        case "STOP":
            if (session is not null)
            {
                await session.DisposeAsync();
                session = null;
            }

            output.Line("STOPPED");
            break;
        case "QUIT":
            if (session is not null)
            {
                await session.DisposeAsync();
            }

            return 0;
        default:
            session?.Handle(parts[0]);
            break;
    }
}

return 0;

namespace FlexiAI.Redis.FleetHost
{
    /// <summary>One client over Redis, in one of the modes the tests drive.</summary>
    internal sealed class Session : IAsyncDisposable
    {
        private readonly string _mode;
        private readonly Output _output;
        private readonly CountingLoggerProvider _logs = new();
        private readonly ILoggerFactory _loggerFactory;
        private readonly RedisStoreFactory _factory = new();
        private readonly StubClient _primary;
        private readonly FlexiAIClient _client;
        private readonly CancellationTokenSource _running = new();
        private Task? _loop;
        private long _ok;
        private long _failed;

        private Session(string mode, string connection, string prefix, int limit, Output output)
        {
            _mode = mode;
            _output = output;
            _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Information));
            _primary = new StubClient(mode == "budget");
            var options = new FlexiAIOptions();
            options.Providers.Add(mode == "budget"
                ? new ProviderOptions { Name = "primary", Type = "openai", Model = "gpt-4o-mini", ApiKey = "sk-fleet-host", Priority = 1, ChatClient = _primary }
                : new ProviderOptions { Name = "primary", Model = "m", Priority = 1, ChatClient = _primary });
            options.Providers.Add(new ProviderOptions { Name = "backup", Model = "m", Priority = 2, ChatClient = new StubClient(false) });
            options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromMinutes(10);
            options.AttemptTimeout = TimeSpan.FromSeconds(30);
            options.RequestTimeout = TimeSpan.FromSeconds(60);
            options.Retry.MaxAttempts = 1;
            if (mode == "probe-race")
            {
                // The race checks the store's compare-and-swap, so the store must answer: on a CPU-starved machine a call can take
                // longer than the 1 s default, and a timed-out call fails open to the local view (a local probe, by design).
                options.CircuitBreaker.StoreTimeout = TimeSpan.FromSeconds(10);
                connection += ",syncTimeout=10000,asyncTimeout=10000";
            }

            options.UseRedis(connection, prefix);
            if (mode == "ratelimit")
            {
                options.Providers[0].RateLimit = new RateLimitOptions { RequestsPerMinute = limit };
            }

            if (mode == "budget")
            {
                options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = limit / 10000m });
            }

            _client = new FlexiAIClient(options, new FlexiAIClientOptions { LoggerFactory = _loggerFactory }.UseRedis(_factory));
        }

        public static async Task<Session> StartAsync(string mode, string connection, string prefix, int limit, Output output)
        {
            var session = new Session(mode, connection, prefix, limit, output);
            if (mode == "probe-race")
            {
                // Wait until this instance has loaded the open breaker the test wrote, so the race starts from the shared state.
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (session._client.GetProviderStatus()[0].State == CircuitState.Closed && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(10);
                }
            }

            if (mode is "steady" or "follow")
            {
                session._loop = Task.Run(() => session.LoopAsync(session._running.Token));
            }

            return session;
        }

        public void Handle(string command)
        {
            switch (command)
            {
                case "GO" when _mode == "probe-race":
                    _ = Task.Run(ProbeRaceAsync);
                    break;
                case "GO" when _mode is "ratelimit" or "budget":
                    _ = Task.Run(() => HammerAsync(_mode == "budget" ? 1 : 4, _mode == "budget" ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(1.5), _mode == "budget" ? 40 : int.MaxValue));
                    break;
                case "RELEASE":
                    _primary.Release();
                    break;
                case "STATS":
                    _output.Line(FormattableString.Invariant($"STATS ok={Interlocked.Read(ref _ok)} failed={Interlocked.Read(ref _failed)} unavailable={_logs.Count(7101)} recovered={_logs.Count(7102)} last={_client.LastUsedProvider}"));
                    break;
                case "STATE":
                    _output.Line($"STATE {_client.GetProviderStatus()[0].State}");
                    break;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _running.CancelAsync();
            if (_loop is not null)
            {
                await _loop;
            }

            _primary.Release();
            _client.Dispose();
            _factory.Dispose();
            _loggerFactory.Dispose();
            _running.Dispose();
        }

        private async Task LoopAsync(CancellationToken token)
        {
            // follow: print each change of which provider answers (primary → CLOSED, backup → SKIP); steady: just count.
            string? last = null;
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await _client.GetResponseAsync("ping", cancellationToken: token);
                    Interlocked.Increment(ref _ok);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failed);
                    Console.Error.WriteLine(ex.Message);
                }

                var now = _client.LastUsedProvider;
                if (_mode == "follow" && now != last)
                {
                    _output.Line(now == "primary" ? "CLOSED" : "SKIP");
                    last = now;
                }

                // A request every millisecond or two: enough to see a skip at once, without starving the Redis reader of CPU.
                await Task.Delay(_mode == "steady" ? 2 : 1, token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        private async Task ProbeRaceAsync()
        {
            // 300 callers race for the half-open probe; "SETTLED n" once every caller finished or is inside the primary.
            const int Callers = 300;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var completed = 0;
            var settled = 0;
            void Check()
            {
                if (Volatile.Read(ref completed) + _primary.InFlight == Callers && Interlocked.Exchange(ref settled, 1) == 0)
                {
                    _output.Line($"SETTLED {_primary.Calls} store-unavailable-warnings={_logs.Count(7101)}");
                }
            }

            _primary.Entered = Check;
            var tasks = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await _client.GetResponseAsync("ping");
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine(ex.Message);
                }
                finally
                {
                    Interlocked.Increment(ref completed);
                    Check();
                }
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(tasks);
            _output.Line($"DONE {_primary.Calls}");
        }

        private async Task HammerAsync(int workers, TimeSpan duration, int requestsPerWorker)
        {
            // ratelimit: as many requests as possible for the duration; budget: a fixed number each. Then "CALLS n" (how many reached primary).
            var until = DateTime.UtcNow + duration;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < requestsPerWorker && DateTime.UtcNow < until; i++)
                {
                    try
                    {
                        await _client.GetResponseAsync("ping", new ChatOptions { MaxOutputTokens = 1000 });
                    }
                    catch (Exception ex)
                    {
                        Console.Error.WriteLine(ex.Message);
                    }
                }
            })));
            _output.Line($"CALLS {_primary.Calls}");
        }
    }

    /// <summary>Writes protocol lines atomically.</summary>
    internal sealed class Output
    {
        private readonly Lock _lock = new();

        public void Line(string text)
        {
            lock (_lock)
            {
                Console.Out.WriteLine(text);
                Console.Out.Flush();
            }
        }
    }

    /// <summary>A provider: answers at once (with usage when billed), or — while <see cref="Entered"/> is set — holds every call until released.</summary>
    internal sealed class StubClient(bool billed) : IChatClient
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;
        private int _inFlight;

        public int Calls => Volatile.Read(ref _calls);

        public int InFlight => Volatile.Read(ref _inFlight);

        public Action? Entered { get; set; }

        public void Release() => _release.TrySetResult();

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            if (Entered is { } entered)
            {
                // probe-race: the probe stays in flight until the test has counted every instance's calls.
                Interlocked.Increment(ref _inFlight);
                entered();
                await _release.Task.WaitAsync(cancellationToken);
                Interlocked.Decrement(ref _inFlight);
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "pong"))
            {
                Usage = billed ? new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 1000, TotalTokenCount = 2000 } : null,
                ModelId = "m",
            };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Counts log entries by event id and copies warnings to stderr.</summary>
    internal sealed class CountingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentDictionary<int, int> _counts = new();

        public int Count(int eventId) => _counts.TryGetValue(eventId, out var n) ? n : 0;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CountingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner._counts.AddOrUpdate(eventId.Id, 1, static (_, n) => n + 1);
                if (logLevel >= LogLevel.Warning)
                {
                    Console.Error.WriteLine($"{logLevel} {eventId.Id}: {formatter(state, exception)}");
                }
            }
        }
    }
}
