using System.Numerics;

namespace FlexiAI;

/// <summary>
/// The fixed bins of the snapshot's latency histograms: microseconds on a log scale with four bins per power of two
/// (a bin is at most 25 % wide; a percentile read from it, interpolated within the bin, is within a few percent for smooth
/// distributions), from 1 µs to about 19 hours. Fixed bins keep memory constant whatever the traffic.
/// </summary>
internal static class LatencyBins
{
    /// <summary>The number of bins.</summary>
    public const int Count = 144;

    private const int SubBits = 2;
    private const int Sub = 1 << SubBits;

    /// <summary>Gets the bin of a latency.</summary>
    public static int Of(TimeSpan latency)
    {
        var micros = latency.Ticks / TimeSpan.TicksPerMicrosecond;
        if (micros < Sub)
        {
            return micros < 0 ? 0 : (int)micros;
        }

        var octave = BitOperations.Log2((ulong)micros); // >= SubBits
        var index = ((octave - SubBits + 1) << SubBits) + (int)((micros >> (octave - SubBits)) & (Sub - 1));
        return index < Count ? index : Count - 1;
    }

    /// <summary>Gets a bin's lower bound in microseconds.</summary>
    public static double Lower(int bin)
    {
        if (bin < Sub)
        {
            return bin;
        }

        var octave = (bin >> SubBits) + SubBits - 1;
        return (double)((Sub + (bin & (Sub - 1))) << (octave - SubBits));
    }

    /// <summary>Gets a bin's upper bound in microseconds.</summary>
    public static double Upper(int bin) => bin < Sub ? bin + 1 : Lower(bin) * (Sub + (bin & (Sub - 1)) + 1) / (Sub + (bin & (Sub - 1)));

    /// <summary>Gets the latency at <paramref name="quantile"/> (0–1) of a histogram holding <paramref name="total"/> samples, interpolated within its bin.</summary>
    public static TimeSpan Percentile(long[] bins, long total, double quantile)
    {
        var rank = quantile * total; // the sample at this rank (1-based, fractional) is wanted
        long seen = 0;
        for (var i = 0; i < bins.Length; i++)
        {
            var n = bins[i];
            if (n == 0)
            {
                continue;
            }

            if (seen + n >= rank)
            {
                var within = Math.Clamp((rank - seen) / n, 0, 1);
                var micros = Lower(i) + ((Upper(i) - Lower(i)) * within);
                return TimeSpan.FromTicks((long)(micros * TimeSpan.TicksPerMicrosecond));
            }

            seen += n;
        }

        return TimeSpan.Zero;
    }
}
