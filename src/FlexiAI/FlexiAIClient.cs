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
/// (register it as a singleton). Disposing it disposes the providers' clients FlexiAI created, never a client you passed in.
/// </remarks>
public sealed class FlexiAIClient : IChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key a caller may set to choose the request's correlation id.</summary>
    public const string CorrelationIdKey = "flexiai.correlation_id";

    private readonly FileLogger? _fileLogger;
    private readonly ProviderSetHolder _sets;
    private readonly FailoverRouter _router;
    private readonly ProviderAdministration _admin;
    private readonly ConfigurationReloader _reloader;
    private readonly StatusSubscriber _status;
    private readonly FlexiAIInstruments _instruments;
    private readonly MetricsAggregator _metrics;
    private readonly CostAccounting _cost;
    private readonly EventSink _sink;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="FlexiAIClient"/> class.</summary>
    /// <param name="options">The configuration; validated here and copied, so later changes to it have no effect.</param>
    /// <param name="clientOptions">Clock, logging, hooks and provider factories; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ConfigurationException">The configuration is invalid; <see cref="ConfigurationException.Errors"/> lists every problem with its path.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FlexiAIClientOptions.MetricsWindow"/> is not positive.</exception>
    public FlexiAIClient(FlexiAIOptions options, FlexiAIClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        clientOptions ??= new FlexiAIClientOptions();
        if (clientOptions.MetricsWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(clientOptions), clientOptions.MetricsWindow,
                "FlexiAIClientOptions.MetricsWindow must be positive (e.g. TimeSpan.FromMinutes(5)).");
        }

        var prepared = Prepare(options, clientOptions);
        var time = clientOptions.TimeProvider ?? TimeProvider.System;
        var loggerFactory = clientOptions.LoggerFactory ?? NullLoggerFactory.Instance;
        ILogger logger = clientOptions.LoggerFactory is null ? NullLogger.Instance : loggerFactory.CreateLogger("FlexiAI");
        if (prepared.Logging.File is { Length: > 0 } file)
        {
            _fileLogger = new FileLogger(file, time);
            logger = logger is NullLogger ? _fileLogger : new CompositeLogger(logger, _fileLogger);
        }

        if (logger is not NullLogger)
        {
            logger = new LevelFilteredLogger(logger, prepared.Logging.Level);
        }

        Hooks = clientOptions.Hooks ?? new FlexiAIHooks();
        _status = new StatusSubscriber(change => CircuitStateChanged?.Invoke(this, change), () => CircuitStateChanged is not null);
        _instruments = new FlexiAIInstruments(() => FlexiAIInstruments.ObserveCircuits(_sets));
        _metrics = new MetricsAggregator(time, clientOptions.MetricsWindow);
        _cost = new CostAccounting(time, logger, prepared.Cost.MaxTags, warning => BudgetWarning?.Invoke(this, warning));
        _cost.Ledger.Recorded += _instruments.RecordCost;

        // Cost before hooks: the after-response hook sees the request's cost on the route.
        var sink = new EventSink(logger, _status, _cost.Subscriber, new LoggingSubscriber(logger), new HooksSubscriber(Hooks, time, logger),
            _metrics, new MetricsSubscriber(_instruments, time), new TracingSubscriber(_instruments.Source));
        Fleet = prepared.CircuitBreaker.StateStore is null ? FleetStoreResolver.Resolve(prepared.CircuitBreaker.Store, clientOptions, time, loggerFactory) : null;
        _cost.FleetBudgetStore = Fleet?.BudgetStore;
        var store = prepared.CircuitBreaker.StateStore ?? Fleet?.CircuitStateStore ?? new InMemoryCircuitStateStore();
        var context = new ProviderFactoryContext(time, loggerFactory, clientOptions.HttpMessageHandler);
        var builder = new ProviderSetBuilder(clientOptions, context, store, time, logger, sink, _cost, Fleet?.RateLimitStore);
        ProviderSet set;
        try
        {
            set = builder.Build(prepared);
        }
        catch
        {
            _fileLogger?.Dispose();
            _instruments.Dispose();
            throw;
        }

        _sink = sink;
        Logger = logger;
        CacheOptions = prepared.Cache?.Clone();
        _sets = new ProviderSetHolder(set);
        _router = new FailoverRouter(_sets, time, sink, clientOptions.Random ?? Random.Shared);
        _admin = new ProviderAdministration(_sets, sink, logger);
        _reloader = new ConfigurationReloader(clientOptions, builder, _sets, time, logger);
    }

    /// <summary>Gets the shared stores <c>circuit_breaker.store</c> named, or <see langword="null"/> when state is per process.</summary>
    internal FleetStores? Fleet { get; }

    /// <summary>
    /// Gets the health of the fleet's shared store (<c>circuit_breaker.store</c>, e.g. Redis), or <see langword="null"/> when this
    /// client keeps its state in process. While it is unavailable the client runs on local state (degraded, not failing).
    /// </summary>
    public ISharedStoreHealth? SharedStore => Fleet?.Health;

    /// <summary>Gets the configured <c>cache</c> section (read by <c>UseFlexiAICache()</c>), or <see langword="null"/> when there is none.</summary>
    internal ResponseCacheOptions? CacheOptions { get; }

    /// <summary>Gets the <c>cache</c> section of the configuration in force now (a reload replaces it; the response cache follows).</summary>
    internal ResponseCacheOptions? CurrentCacheOptions => _sets.Current.Options.Cache;

    /// <summary>Gets the client's clock.</summary>
    internal TimeProvider Time => _cost.Time;

    /// <summary>Gets the client's logger (what <see cref="FlexiAIClientOptions.LoggerFactory"/> and <c>logging.file</c> make).</summary>
    internal ILogger Logger { get; }

    /// <summary>Reports a response-cache lookup to the event sink (metrics snapshot and the <c>flexiai.cache.requests</c> counter).</summary>
    internal ValueTask PublishCacheLookupAsync(CacheLookedUp e) =>
        _sink.Wants(RequestEventKinds.CacheLookup) ? _sink.PublishAsync(e, CancellationToken.None) : default;

    /// <summary>Raised on every circuit-breaker transition (also reported to <see cref="FlexiAIHookEvent.CircuitStateChange"/> hooks and the log).</summary>
    public event EventHandler<CircuitStateChange>? CircuitStateChanged;

    /// <summary>Raised once per period when a budget's spending reaches its soft limit (also logged as a warning).</summary>
    public event EventHandler<BudgetWarning>? BudgetWarning;

    /// <summary>Gets the hooks this client runs; register more at any time.</summary>
    public FlexiAIHooks Hooks { get; }

    /// <summary>Gets the name of the provider that answered the most recent successful request, or <see langword="null"/> before the first.</summary>
    public string? LastUsedProvider => _status.LastUsedProvider;

    /// <summary>Gets the name of the provider tried first (the primary).</summary>
    public string? PrimaryProvider => _admin.PrimaryProvider;

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
            client._reloader.WatchFile(Path.GetFullPath(path));
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
        return _router.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Failover before the first update is invisible to the caller. The last update carries the route
    /// (<see cref="FlexiAIChatResponseExtensions.GetRoute(ChatResponseUpdate)"/>).
    /// </remarks>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _router.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    /// <summary>Makes <paramref name="name"/> the provider tried first; the others keep their priority order behind it. The choice survives a reload while the provider exists.</summary>
    /// <param name="name">The provider's name (case-insensitive).</param>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public void SetPrimaryProvider(string name) => _admin.SetPrimary(name);

    /// <summary>Gets every provider's health as this instance last saw it (no I/O), in routing order (disabled providers last).</summary>
    /// <returns>One status per provider.</returns>
    /// <remarks>With a shared state store, <see cref="GetProviderStatusAsync"/> reads what the whole fleet sees.</remarks>
    public IReadOnlyList<ProviderStatus> GetProviderStatus() => _admin.GetStatus();

    /// <summary>Gets every provider's health read from the circuit-breaker state store, in routing order (disabled providers last).</summary>
    /// <param name="cancellationToken">A token to cancel state-store I/O.</param>
    /// <returns>One status per provider. When the store cannot be read, a provider's last known state is reported.</returns>
    public Task<IReadOnlyList<ProviderStatus>> GetProviderStatusAsync(CancellationToken cancellationToken = default) => _admin.GetStatusAsync(cancellationToken);

    /// <summary>Closes circuit breakers by hand: all of them, or the one of <paramref name="name"/>.</summary>
    /// <param name="name">A provider's name, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token to cancel state-store I/O.</param>
    /// <returns>A task that completes when the breakers are closed.</returns>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public ValueTask ResetCircuitBreakersAsync(string? name = null, CancellationToken cancellationToken = default) => _admin.ResetAsync(name, cancellationToken);

    /// <summary>Opens a provider's circuit breaker by hand for the recovery timeout (e.g. during a known outage).</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="cancellationToken">A token to cancel state-store I/O.</param>
    /// <returns>A task that completes when the breaker is open.</returns>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public ValueTask TripCircuitBreakerAsync(string name, CancellationToken cancellationToken = default) => _admin.TripAsync(name, cancellationToken);

    /// <summary>Checks every enabled provider's credentials with the cheapest call each has.</summary>
    /// <param name="cancellationToken">A token to cancel the checks.</param>
    /// <returns>One result per provider, in routing order.</returns>
    public Task<IReadOnlyList<CredentialCheckResult>> ValidateCredentialsAsync(CancellationToken cancellationToken = default) => _admin.ValidateCredentialsAsync(cancellationToken);

    /// <summary>Describes the model of provider <paramref name="name"/>.</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>What the model can do.</returns>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public ProviderModelInfo GetModelInfo(string name) => _admin.GetModelInfo(name);

    /// <summary>
    /// Gets a snapshot of the client's metrics: request totals, and per provider requests, successes, failures by category,
    /// skips, retries, breaker trips and state, tokens and the last error; success rate and latency / time-to-first-token
    /// percentiles over <see cref="FlexiAIClientOptions.MetricsWindow"/>. Cheap enough to call every second; memory does not
    /// grow with traffic. <see cref="MetricsSnapshot.ToJson"/> writes it as JSON.
    /// </summary>
    /// <returns>An immutable snapshot; providers in routing order.</returns>
    public MetricsSnapshot GetMetrics() => _metrics.Snapshot(_admin.GetStatus());

    /// <summary>Starts counting the snapshot's metrics afresh (totals, windows, last errors). Breaker states and the OpenTelemetry instruments are not affected.</summary>
    public void ResetMetrics() => _metrics.Reset();

    /// <summary>
    /// Reports what this client spent in <paramref name="period"/> (by its <see cref="TimeProvider"/>, UTC): the total and the
    /// totals per provider, per model and per tag (<c>ChatOptions.AdditionalProperties["flexiai.tag"]</c>).
    /// </summary>
    /// <param name="period">Since the client was created (default), today, or this month.</param>
    /// <returns>The report; <see cref="CostReport.ToJson"/> writes it as JSON.</returns>
    public CostReport GetCostReport(CostPeriod period = CostPeriod.SinceStart) => _cost.Ledger.Report(period);

    /// <summary>
    /// Reports every configured budget (<c>budgets</c>) with what was spent in its current period, as its budget store counts
    /// it (this process, or the whole fleet with a shared store such as Redis). Each store read is bounded (1 s); a budget whose
    /// store does not answer has <see cref="BudgetStatus.Spent"/> <see langword="null"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The budgets in configuration order; empty when none are configured.</returns>
    public Task<IReadOnlyList<BudgetStatus>> GetBudgetStatusAsync(CancellationToken cancellationToken = default) =>
        _cost.Budgets is { } budgets ? budgets.StatusAsync(cancellationToken) : Task.FromResult<IReadOnlyList<BudgetStatus>>([]);

    /// <summary>
    /// Reports every provider's client-side rate limit (<c>rate_limit</c>) with its headroom in the current sliding minute: requests
    /// and tokens left. With a shared store (<c>circuit_breaker.store</c>, FlexiAI.Redis) the fleet's windows are read (each read
    /// bounded by the store timeout); otherwise, or while that store does not answer, this process's (<see cref="RateLimitStatus.IsShared"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One status per provider with a rate limit, in configuration order; empty when none has one.</returns>
    public Task<IReadOnlyList<RateLimitStatus>> GetRateLimitStatusAsync(CancellationToken cancellationToken = default) =>
        RateLimitStatusReader.ReadAsync(_sets.Current, cancellationToken);

    /// <summary>
    /// Estimates what a request would cost on each enabled provider, in routing order, before sending it: input tokens
    /// (o200k tokenizer for OpenAI, an approximation for Claude and Gemini), the minimum cost (input only) and the maximum
    /// (input plus <see cref="ChatOptions.MaxOutputTokens"/>, else the model's output limit). No network call.
    /// </summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <returns>One estimate per enabled provider.</returns>
    /// <exception cref="RequestValidationException">The request is invalid.</exception>
    public CostEstimate EstimateCost(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ThrowIfDisposed();
        var list = RequestValidator.Validate(messages, options);
        return _cost.Estimate(_sets.Current, list, options);
    }

    /// <summary>Gets the price in force for provider <paramref name="name"/>'s model, or <see langword="null"/> when it is unknown.</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>The price (configured override, pricing file, or shipped table).</returns>
    /// <exception cref="ArgumentException">No provider has that name.</exception>
    public ModelPrice? GetModelPrice(string name)
    {
        var provider = _sets.Current.Find(name) ?? throw new ArgumentException($"No provider is named '{name}'.", nameof(name));
        return provider.Pricing?.PriceAt(_cost.Time.GetUtcNow());
    }

    /// <summary>Exports the client's configuration as JSON, secrets masked.</summary>
    /// <returns>The JSON text.</returns>
    public string ExportConfiguration() => FlexiAIConfiguration.ToJson(_sets.Current.Options);

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
            var primary = _sets.Current.Ordered.FirstOrDefault();
            return new ChatClientMetadata("flexiai", primary?.Options.BaseUrl, primary?.Model);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Replaces the configuration of a running client: providers, priorities, models, keys, breaker thresholds, retries, timeouts,
    /// error policies and streaming settings. Breaker state is kept (it lives in the state store, by provider name), so an open
    /// provider stays open across a reload, and a primary chosen with <see cref="SetPrimaryProvider"/> stays primary while it
    /// exists. Requests already running finish on the configuration they started with; the replaced providers' clients (those
    /// FlexiAI created) are disposed when the last of those requests ends. Logging settings and the state store are fixed when
    /// the client is built.
    /// </summary>
    /// <param name="options">The new configuration; validated and copied.</param>
    /// <param name="cancellationToken">Cancels the reload (the previous configuration stays).</param>
    /// <returns>A task that completes when the new configuration is in force.</returns>
    /// <exception cref="ConfigurationException">The new configuration is invalid; the previous one stays in force.</exception>
    public Task ReloadAsync(FlexiAIOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        return _reloader.ReloadAsync(options, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Disposes what FlexiAI created (the providers' clients built from configuration, the log file), never a client the caller passed in.
    /// Requests still running finish first.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _reloader.Dispose();
        _sets.Dispose();
        _fileLogger?.Dispose();
        _instruments.Dispose();
    }

    /// <summary>Gets the client's meter, activity source and instruments (tests listen to exactly this client's).</summary>
    internal FlexiAIInstruments Instruments => _instruments;

    /// <summary>Gets the metrics snapshot's aggregator (benchmarks feed it directly).</summary>
    internal MetricsAggregator Metrics => _metrics;

    /// <summary>Gets the enabled providers in routing order (benchmarks).</summary>
    internal RoutedProvider[] CurrentProviders => _sets.Current.Ordered;

    /// <summary>Gets the client's cost machinery (the observability subscriber wires the <c>flexiai.cost</c> counter to <see cref="CostLedger.Recorded"/>).</summary>
    internal CostAccounting Cost => _cost;

    /// <summary>Reloads whenever <paramref name="changeToken"/> fires (e.g. an <c>IConfiguration</c> reload token), from <paramref name="load"/>.</summary>
    internal void ReloadOnChange(Func<Microsoft.Extensions.Primitives.IChangeToken?> changeToken, Func<FlexiAIOptions> load, string source) =>
        _reloader.ReloadOnChange(changeToken, load, source);

    /// <summary>Copies, completes (provider environment variables) and validates a configuration.</summary>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    internal static FlexiAIOptions Prepare(FlexiAIOptions options, FlexiAIClientOptions clientOptions)
    {
        var prepared = options.Clone();
        FlexiAIConfiguration.ApplyProviderEnvironment(prepared, clientOptions.EnvironmentVariables, clientOptions.ProviderFactories);

        var errors = FlexiAIConfiguration.Validate(prepared, clientOptions.ProviderFactories.Select(f => f.Type));
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return prepared;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
