using System.Security.Cryptography;
using System.Text;

namespace FlexiAI.Gateway;

/// <summary>The gateway keys, kept as SHA-256 hashes; a presented key is hashed and compared with every one in constant time.</summary>
internal sealed class GatewayKeyRing
{
    private readonly GatewayKey[] _keys;

    public GatewayKeyRing(IEnumerable<GatewayKeyOptions> keys, Func<string, string?> environment, TimeProvider time)
    {
        var list = new List<GatewayKey>();
        var number = 0;
        foreach (var options in keys)
        {
            number++;
            byte[] hash;
            if (options.Sha256 is { } hex)
            {
                hash = Convert.FromHexString(hex);
            }
            else
            {
                var secret = options.Key ?? string.Empty;
                if (secret.StartsWith("env:", StringComparison.Ordinal))
                {
                    var name = secret[4..];
                    secret = environment(name) is { Length: > 0 } value
                        ? value
                        : throw new ConfigurationException($"gateway.keys[{number - 1}].key", $"the environment variable '{name}' the key names is not set. Set it, or write the key's sha256 instead.");
                }

                if (secret.Length < 8)
                {
                    throw new ConfigurationException($"gateway.keys[{number - 1}].key", "a gateway key must be at least 8 characters long (use a long random string, e.g. openssl rand -hex 24).");
                }

                hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            }

            list.Add(new GatewayKey(number, hash, options, time));
        }

        _keys = [.. list];
    }

    public int Count => _keys.Length;

    /// <summary>Finds the key matching the presented secret; every configured key is compared (no early exit), in constant time each.</summary>
    public GatewayKey? Find(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(presented, bytes);
            SHA256.HashData(bytes[..length], hash);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }

        GatewayKey? found = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key.Hash, hash))
            {
                found = key;
            }
        }

        return found;
    }

    /// <summary>Finds the key of a request's <c>Authorization: Bearer</c> header, or <see langword="null"/>.</summary>
    public GatewayKey? FromAuthorizationHeader(string? header)
    {
        const string Bearer = "Bearer ";
        const string Basic = "Basic ";
        if (header is not null && header.Length > Basic.Length && header.StartsWith(Basic, StringComparison.OrdinalIgnoreCase))
        {
            return FromBasic(header.AsSpan(Basic.Length).Trim());
        }

        if (header is null || header.Length <= Bearer.Length || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Find(header.AsSpan(Bearer.Length).Trim());
    }

    /// <summary>
    /// HTTP Basic credentials whose password is a gateway key (any user name): what a browser sends after its login prompt,
    /// so the dashboard page and its same-origin requests carry the key without scripts or URLs holding it.
    /// </summary>
    private GatewayKey? FromBasic(ReadOnlySpan<char> encoded)
    {
        if (encoded.Length > 1024)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[768];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : Find(text.AsSpan(colon + 1));
    }
}
