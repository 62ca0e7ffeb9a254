using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI;

/// <summary>
/// One <see cref="IChatClient"/> over several providers: tries them by priority, skips those whose
/// circuit breaker is open, retries what is retryable, fails over what is not, and reports the route
/// on every response (<see cref="FlexiAIChatResponseExtensions.GetRoute(ChatResponse)"/>).
/// </summary>
/// <remarks>
/// Thread-safe: one instance serves concurrent requests and should live as long as the application
/// (register it as a singleton). Disposing it disposes the providers' clients.
/// </remarks>
public sealed class FlexiAIClient : IChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key a caller may set to choose the request's correlation id.</summary>
    public const string CorrelationIdKey = "flexiai.correlation_id";

    private readonly FileLogger? _fileLogger;
    private readonly FlexiAIClientOptions _clientOptions;
    private readonly ProviderFactoryContext _context;
    private readonly ICircuitStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly List<FailoverRouter> _retired = [];
    private FailoverRouter _router;
    private FlexiAIOptions _options;
    private FileSystemWatcher? _watcher;
    private ITimer? _reloadDebounce;
    private IDisposable? _changeRegistration;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="FlexiAIClient"/> class.</summary>
    /// <param name="options">The configuration; validated here and copied, so later changes to it have no effect.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ConfigurationException">The configuration is invalid; <see cref="ConfigurationException.Errors"/> lists every problem with its path.</exception>
    public FlexiAIClient(FlexiAIOptions options, FlexiAIClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        clientOptions ??= new FlexiAIClientOptions();
        _options = options.Clone();
        FlexiAIConfiguration.ApplyProviderEnvironment(_options, clientOptions.EnvironmentVariables, clientOptions.ProviderFactories);
        foreach (var provider in _options.Providers)
        {
            SecretMasker.Register(provider.ApiKey);
        }

        var customTypes = clientOptions.ProviderFactories.Select(f => f.Type).ToList();
        var errors = FlexiAIConfiguration.Validate(_options, customTypes);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        var time = clientOptions.TimeProvider ?? TimeProvider.System;
        var loggerFactory = clientOptions.LoggerFactory ?? NullLoggerFactory.Instance;
        ILogger logger = clientOptions.LoggerFactory is null ? NullLogger.Instance : loggerFactory.CreateLogger("FlexiAI");
        if (_options.Logging.File is { Length: > 0 } file)
        {
            _fileLogger = new FileLogger(file, time);
            logger = logger is NullLogger ? _fileLogger : new CompositeLogger(logger, _fileLogger);
        }

        if (logger is not NullLogger)
        {
            logger = new LevelFilteredLogger(logger, _options.Logging.Level);
        }
        Hooks = clientOptions.Hooks ?? new FlexiAIHooks();
        ModelDeprecations.WarnOnce(logger, _options.Providers, time, clientOptions.ProviderFactories);

        var store = _options.CircuitBreaker.StateStore ?? new InMemoryCircuitStateStore();
        var context = new ProviderFactoryContext(time, loggerFactory, clientOptions.HttpMessageHandler);
        _clientOptions = clientOptions;
        _context = context;
        _store = store;
        _time = time;
        _logger = logger;
        var providers = new List<RoutedProvider>(_options.Providers.Count);
        try
        {
            for (var i = 0; i < _options.Providers.Count; i++)
            {
                providers.Add(CreateProvider(_options, i, clientOptions, context, store, time));
            }
        }
        catch
        {
            // Only what FlexiAI created: clients handed in by the caller stay the caller's.
            foreach (var created in providers.Where(p => p.OwnsClient))
            {
                created.Client.Dispose();
            }

            _fileLogger?.Dispose();
            throw;
        }

        _router = new FailoverRouter(_options, providers, time, logger, Hooks, clientOptions.Random);
        _router.CircuitStateChanged += (_, change) => CircuitStateChanged?.Invoke(this, change);
    }

    private FailoverRouter Router => Volatile.Read(ref _router);

    /// <summary>Raised on every circuit-breaker transition (also reported to <see cref="FlexiAIHookEvent.CircuitStateChange"/> hooks and the log).</summary>
    public event EventHandler<CircuitStateChange>? CircuitStateChanged;

    /// <summary>Gets the hooks this client runs; register more at any time.</summary>
    public FlexiAIHooks Hooks { get; }

    /// <summary>Gets the name of the provider that answered the most recent successful request, or <see langword="null"/> before the first.</summary>
    public string? LastUsedProvider => Router.LastUsedProvider;

    /// <summary>Gets the name of the provider tried first (the primary).</summary>
    public string? PrimaryProvider => Router.Ordered.Length > 0 ? Router.Ordered[0].Name : null;

    /// <summary>Creates a client from a JSON configuration file, overlaid with <c>FLEXIAI_</c> environment variables.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ConfigurationException">The file is missing, malformed or invalid.</exception>
    public static FlexiAIClient FromFile(string path, FlexiAIClientOptions? clientOptions = null) =>
        new(FlexiAIConfiguration.LoadFile(path), clientOptions);

    /// <summary>
    /// Creates a client from a JSON configuration file, overlaid with <c>FLEXIAI_</c> environment variables, and optionally
    /// reloads it whenever the file changes (see <see cref="ReloadAsync(FlexiAIOptions, CancellationToken)"/>).
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="reloadOnChange">Whether to watch the file and reload the configuration when it changes. A change that does not load or
    /// validate is logged and ignored: the previous configuration stays in force.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ConfigurationException">The file is missing, malformed or invalid.</exception>
    public static FlexiAIClient FromFile(string path, bool reloadOnChange, FlexiAIClientOptions? clientOptions = null)
    {
        var client = new FlexiAIClient(FlexiAIConfiguration.LoadFile(path), clientOptions);
        if (reloadOnChange)
        {
            client.WatchFile(Path.GetFullPath(path));
        }

        return client;
    }

    /// <summary>Creates a client from a JSON configuration stream, overlaid with <c>FLEXIAI_</c> environment variables.</summary>
    /// <param name="json">The JSON stream.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ConfigurationException">The JSON is malformed or invalid.</exception>
    public static FlexiAIClient FromJson(Stream json, FlexiAIClientOptions? clientOptions = null) =>
        new(FlexiAIConfiguration.LoadJson(json), clientOptions);

    /// <summary>Creates a client from an <see cref="IConfiguration"/> section.</summary>
    /// <param name="section">The section, e.g. <c>builder.Configuration.GetSection("FlexiAI")</c>.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ConfigurationException">The section is invalid.</exception>
    public static FlexiAIClient FromConfiguration(IConfiguration section, FlexiAIClientOptions? clientOptions = null) =>
        new(FlexiAIConfiguration.FromConfiguration(section), clientOptions);

    /// <inheritdoc/>
    /// <exception cref="RequestValidationException">The request is invalid; no provider was called.</exception>
    /// <exception cref="AllProvidersFailedException">No provider answered.</exception>
    /// <exception cref="ProviderException">A provider failed with a category whose policy forbids failover (e.g. an invalid request).</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Router.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Failover before the first update is invisible to the caller. The last update carries the route
    /// (<see cref="FlexiAIChatResponseExtensions.GetRoute(ChatResponseUpdate)"/>).
    /// </remarks>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Router.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    /// <summary>Makes <paramref name="name"/> the provider tried first; the others keep their priority order behind it.</summary>
    /// <param name="name">The provider's name (case-insensitive).</param>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public void SetPrimaryProvider(string name)
    {
        var provider = Find(name);
        Router.SetPrimary(provider);
        if (Router.LogEnabled)
        {
            Log.PrimaryChanged(Router.Logger, provider.Name);
        }
    }

    /// <summary>Gets every provider's health, in routing order (disabled providers last).</summary>
    /// <returns>One status per provider.</returns>
    public IReadOnlyList<ProviderStatus> GetProviderStatus()
    {
        var ordered = Router.Ordered;
        var result = new List<ProviderStatus>(Router.Providers.Count);
        foreach (var p in ordered.Concat(Router.Providers.Where(p => !ordered.Contains(p))))
        {
            var snapshot = p.Breaker.Snapshot;
            var position = Array.IndexOf(ordered, p) + 1;
            result.Add(new ProviderStatus(p.Name, p.Options.EffectiveType, p.Model, p.Options.Priority, position, snapshot.State,
                snapshot.ConsecutiveFailures, snapshot.OpenedAt, snapshot.State == CircuitState.Closed ? null : snapshot.NextProbeAt,
                p.LastErrorCategory ?? snapshot.LastErrorCategory));
        }

        return result;
    }

    /// <summary>Closes circuit breakers by hand: all of them, or the one of <paramref name="name"/>.</summary>
    /// <param name="name">A provider's name, or <see langword="null"/> for all.</param>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public void ResetCircuitBreakers(string? name = null) =>
        ResetCircuitBreakersAsync(name).AsTask().GetAwaiter().GetResult();

    /// <summary>Closes circuit breakers by hand: all of them, or the one of <paramref name="name"/>.</summary>
    /// <param name="name">A provider's name, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token to cancel state-store I/O.</param>
    /// <returns>A task that completes when the breakers are closed.</returns>
    public async ValueTask ResetCircuitBreakersAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var targets = name is null ? Router.Providers : [Find(name)];
        foreach (var provider in targets)
        {
            if (await provider.Breaker.ResetAsync(cancellationToken).ConfigureAwait(false) is { } change)
            {
                await Router.PublishCircuitChangeAsync(change, string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens a provider's circuit breaker by hand for the recovery timeout (e.g. during a known outage).</summary>
    /// <param name="name">The provider's name.</param>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public void TripCircuitBreaker(string name) => TripCircuitBreakerAsync(name).AsTask().GetAwaiter().GetResult();

    /// <summary>Opens a provider's circuit breaker by hand for the recovery timeout.</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="cancellationToken">A token to cancel state-store I/O.</param>
    /// <returns>A task that completes when the breaker is open.</returns>
    public async ValueTask TripCircuitBreakerAsync(string name, CancellationToken cancellationToken = default)
    {
        var provider = Find(name);
        if (await provider.Breaker.TripAsync(cancellationToken).ConfigureAwait(false) is { } change)
        {
            await Router.PublishCircuitChangeAsync(change, string.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks every enabled provider's credentials with the cheapest call each has.</summary>
    /// <param name="cancellationToken">A token to cancel the checks.</param>
    /// <returns>One result per provider, in routing order.</returns>
    public async Task<IReadOnlyList<CredentialCheckResult>> ValidateCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var checks = Router.Ordered.Select(p => p.Adapter.ValidateCredentialsAsync(p.Options, p.Client, cancellationToken)).ToArray();
        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    /// <summary>Describes the model of provider <paramref name="name"/>.</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>What the model can do.</returns>
    public ProviderModelInfo GetModelInfo(string name)
    {
        var provider = Find(name);
        return provider.Adapter.DescribeModel(provider.Model);
    }

    /// <summary>Exports the client's configuration as JSON, secrets masked.</summary>
    /// <returns>The JSON text.</returns>
    public string ExportConfiguration() => FlexiAIConfiguration.ToJson(_options);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            var primary = Router.Ordered.FirstOrDefault();
            return new ChatClientMetadata("flexiai", primary?.Options.BaseUrl, primary?.Model);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Replaces the configuration of a running client: providers, priorities, models, keys, breaker thresholds, retries, timeouts,
    /// error policies and streaming settings. Breaker state is kept (it lives in the state store, by provider name), so an open
    /// provider stays open across a reload. Requests already running finish on the configuration they started with; the
    /// replaced providers' clients are disposed once no request can still use them (after the old request timeout). Logging
    /// settings and the state store are fixed when the client is built.
    /// </summary>
    /// <param name="options">The new configuration; validated and copied.</param>
    /// <param name="cancellationToken">Cancels the reload (the previous configuration stays).</param>
    /// <returns>A task that completes when the new configuration is in force.</returns>
    /// <exception cref="ConfigurationException">The new configuration is invalid; the previous one stays in force.</exception>
    public async Task ReloadAsync(FlexiAIOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        var next = options.Clone();
        FlexiAIConfiguration.ApplyProviderEnvironment(next, _clientOptions.EnvironmentVariables, _clientOptions.ProviderFactories);
        foreach (var provider in next.Providers)
        {
            SecretMasker.Register(provider.ApiKey);
        }

        var errors = FlexiAIConfiguration.Validate(next, _clientOptions.ProviderFactories.Select(f => f.Type));
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        await _reloadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            var providers = new List<RoutedProvider>(next.Providers.Count);
            try
            {
                for (var i = 0; i < next.Providers.Count; i++)
                {
                    providers.Add(CreateProvider(next, i, _clientOptions, _context, _store, _time));
                }

                foreach (var provider in providers)
                {
                    await provider.Breaker.RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                foreach (var created in providers.Where(p => p.OwnsClient))
                {
                    created.Client.Dispose();
                }

                throw;
            }

            var router = new FailoverRouter(next, providers, _time, _logger, Hooks, _clientOptions.Random);
            router.CircuitStateChanged += (_, change) => CircuitStateChanged?.Invoke(this, change);
            var old = Interlocked.Exchange(ref _router, router);
            Volatile.Write(ref _options, next);
            Retire(old);
            if (router.LogEnabled)
            {
                Log.ConfigurationReloaded(_logger, providers.Count);
            }
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _reloadDebounce?.Dispose();
        _changeRegistration?.Dispose();
        foreach (var provider in Router.Providers)
        {
            provider.Client.Dispose();
        }

        lock (_retired)
        {
            foreach (var router in _retired)
            {
                DisposeOwned(router);
            }

            _retired.Clear();
        }

        _fileLogger?.Dispose();
    }

    /// <summary>Reloads whenever <paramref name="changeToken"/> fires (e.g. an <c>IConfiguration</c> reload token), from <paramref name="load"/>.</summary>
    internal void ReloadOnChange(Func<Microsoft.Extensions.Primitives.IChangeToken?> changeToken, Func<FlexiAIOptions> load, string source) =>
        _changeRegistration = Microsoft.Extensions.Primitives.ChangeToken.OnChange(changeToken, () => _ = ReloadQuietlyAsync(load, source));

    private void WatchFile(string path)
    {
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void Changed(object? sender, FileSystemEventArgs e)
        {
            // Editors write in several steps: wait for the writes to settle, then reload once.
            var debounce = _time.CreateTimer(_ => _ = ReloadQuietlyAsync(() => FlexiAIConfiguration.LoadFile(path), path), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _reloadDebounce, debounce)?.Dispose();
        }

        watcher.Changed += Changed;
        watcher.Created += Changed;
        watcher.Renamed += Changed;
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private async Task ReloadQuietlyAsync(Func<FlexiAIOptions> load, string source)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await ReloadAsync(load()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bad edit must never take down a running client: log it, keep the previous configuration.
        catch (Exception ex) when (ex is not ObjectDisposedException)
#pragma warning restore CA1031
        {
            Log.ConfigurationReloadFailed(_logger, source, SecretMasker.Redact(ex.Message));
        }
    }

    private void Retire(FailoverRouter old)
    {
        var grace = old.Options.RequestTimeout;
        if (grace == Timeout.InfiniteTimeSpan)
        {
            // A request may run forever: keep the old clients until the client is disposed.
            lock (_retired)
            {
                _retired.Add(old);
            }

            return;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            DisposeOwned(old);
            timer?.Dispose();
        }, null, grace + TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
    }

    private static void DisposeOwned(FailoverRouter router)
    {
        foreach (var provider in router.Providers.Where(p => p.OwnsClient))
        {
            provider.Client.Dispose();
        }
    }

    private static RoutedProvider CreateProvider(FlexiAIOptions options, int index, FlexiAIClientOptions clientOptions, ProviderFactoryContext context, ICircuitStateStore store, TimeProvider time)
    {
        var provider = options.Providers[index];
        var factory = provider.ChatClient is null || provider.Adapter is null ? FindFactory(provider.EffectiveType, clientOptions) : null;
        IChatClient client;
        var owns = false;
        if (provider.ChatClient is { } given)
        {
            client = given;
        }
        else if (factory is not null)
        {
            client = factory.CreateClient(provider, context);
            owns = true;
        }
        else
        {
            throw new ConfigurationException(
                $"providers[{index}].type",
                $"No provider factory is registered for type '{provider.EffectiveType}' (provider '{provider.Name}'). Give the provider a ChatClient in code, or add a ProviderFactory for this type to FlexiAIClientOptions.ProviderFactories.");
        }

        var adapter = provider.Adapter ?? factory?.CreateAdapter(provider, context) ?? ProviderAdapter.Generic;
        var attemptTimeout = provider.Timeout ?? options.AttemptTimeout;
        var lease = attemptTimeout == Timeout.InfiniteTimeSpan ? options.CircuitBreaker.RecoveryTimeout : attemptTimeout + TimeSpan.FromSeconds(1);
        var breaker = new CircuitBreaker(provider.Name, store, time, options.CircuitBreaker.FailureThreshold, options.CircuitBreaker.RecoveryTimeout, lease);
        var maxAttempts = provider.MaxRetries is int retries ? retries + 1 : options.Retry.MaxAttempts;
        var firstToken = provider.FirstTokenTimeout ?? options.Streaming.FirstTokenTimeout ?? attemptTimeout;
        var idle = provider.IdleTimeout ?? options.Streaming.IdleTimeout;
        return new RoutedProvider(provider, index, client, owns, adapter, breaker, maxAttempts, attemptTimeout, firstToken, idle);
    }

    private static ProviderFactory? FindFactory(string type, FlexiAIClientOptions clientOptions) =>
        clientOptions.ProviderFactories.FirstOrDefault(f => string.Equals(f.Type, type, StringComparison.OrdinalIgnoreCase))
        ?? BuiltInProviderFactories.Find(type);

    private RoutedProvider Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Router.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"No provider is named '{name}'. Known providers: {string.Join(", ", Router.Providers.Select(p => p.Name))}.", nameof(name));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
