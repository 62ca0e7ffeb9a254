using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace FlexiAI;

/// <summary>
/// Replaces a running client's configuration: by hand, when a watched file changes, or when an <c>IConfiguration</c>
/// reload token fires. A new <see cref="ProviderSet"/> is built and swapped in; the old one retires when its last
/// request ends. A configuration that does not load or validate is refused and the previous one stays.
/// </summary>
internal sealed class ConfigurationReloader(
    FlexiAIClientOptions clientOptions,
    ProviderSetBuilder builder,
    ProviderSetHolder sets,
    TimeProvider time,
    ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private IDisposable? _changeRegistration;
    private int _disposed;

    /// <summary>Validates, builds and swaps in <paramref name="options"/>.</summary>
    /// <exception cref="ConfigurationException">The configuration is invalid; the previous one stays in force.</exception>
    public async Task ReloadAsync(FlexiAIOptions options, CancellationToken cancellationToken)
    {
        var next = FlexiAIClient.Prepare(options, clientOptions);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, typeof(FlexiAIClient));
            var set = builder.Build(next);
            try
            {
                foreach (var provider in set.Providers)
                {
                    await provider.Breaker.RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                set.Retire();
                throw;
            }

            sets.Replace(set);
            Log.ConfigurationReloaded(logger, set.Providers.Length);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reloads whenever <paramref name="changeToken"/> fires, from <paramref name="load"/>.</summary>
    public void ReloadOnChange(Func<IChangeToken?> changeToken, Func<FlexiAIOptions> load, string source) =>
        _changeRegistration = ChangeToken.OnChange(changeToken, () => _ = ReloadQuietlyAsync(load, source));

    /// <summary>Watches <paramref name="path"/> and reloads from it when it changes (debounced: editors write in several steps).</summary>
    public void WatchFile(string path)
    {
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void Changed(object? sender, FileSystemEventArgs e)
        {
            var debounce = time.CreateTimer(_ => _ = ReloadQuietlyAsync(() => FlexiAIConfiguration.LoadFile(path), path), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _debounce, debounce)?.Dispose();
        }

        watcher.Changed += Changed;
        watcher.Created += Changed;
        watcher.Renamed += Changed;
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _debounce?.Dispose();
        _changeRegistration?.Dispose();
    }

    private async Task ReloadQuietlyAsync(Func<FlexiAIOptions> load, string source)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await ReloadAsync(load(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bad edit must never take down a running client: log it, keep the previous configuration.
        catch (Exception ex) when (ex is not ObjectDisposedException)
#pragma warning restore CA1031
        {
            Log.ConfigurationReloadFailed(logger, source, SecretMasker.Redact(ex.Message));
        }
    }
}
