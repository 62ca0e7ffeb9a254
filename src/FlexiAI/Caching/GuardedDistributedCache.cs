using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Puts a time limit and a back-off around the distributed store (Redis), so the cache never becomes the outage: a call that fails or
/// takes longer than <see cref="ResponseCacheOptions.StoreTimeout"/> reads as a miss (a write is dropped), one warning is logged, and
/// the store is left alone for <see cref="ResponseCacheOptions.StoreRetryInterval"/> before the next try. It never throws.
/// </summary>
internal sealed partial class GuardedDistributedCache(IDistributedCache inner, ResponseCacheOptions options, TimeProvider time, ILogger logger, string backend, Action onError) : IDistributedCache
{
    private long _downUntil = long.MinValue; // UTC ticks; long.MinValue when healthy
    private readonly TimeSpan _timeout = options.StoreTimeout;
    private int _down;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (Skipping())
        {
            return null;
        }

        try
        {
            var value = await inner.GetAsync(key, token).WaitAsync(options.StoreTimeout, time, token).ConfigureAwait(false);
            Healthy();
            return value;
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            Failed(ex);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions entryOptions) => SetAsync(key, value, entryOptions).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions entryOptions, CancellationToken token = default)
    {
        if (Skipping())
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, entryOptions, token).WaitAsync(_timeout, time, token).ConfigureAwait(false);
            Healthy();
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            Failed(ex);
        }
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        if (Skipping())
        {
            return;
        }

        try
        {
            await inner.RefreshAsync(key, token).WaitAsync(options.StoreTimeout, time, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            Failed(ex);
        }
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        try
        {
            await inner.RemoveAsync(key, token).WaitAsync(options.StoreTimeout, time, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            Failed(ex);
        }
    }

    private bool Skipping()
    {
        var until = Volatile.Read(ref _downUntil);
        return until != long.MinValue && time.GetUtcNow().UtcTicks < until;
    }

    private void Healthy()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            Volatile.Write(ref _downUntil, long.MinValue);
            LogRecovered(logger, backend);
        }
    }

    private void Failed(Exception ex)
    {
        Volatile.Write(ref _downUntil, (time.GetUtcNow() + options.StoreRetryInterval).UtcTicks);
        onError();
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnreachable(logger, backend, options.StoreRetryInterval.TotalSeconds, SecretMasker.Redact(ex.GetType().Name + ": " + ex.Message));
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning,
        Message = "The response cache's {Backend} store is unreachable or slow ({Error}); requests go to the providers without it, and it is tried again every {RetrySeconds} s.")]
    private static partial void LogUnreachable(ILogger logger, string backend, double retrySeconds, string error);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "The response cache's {Backend} store is reachable again.")]
    private static partial void LogRecovered(ILogger logger, string backend);
}
