using System.Net;

namespace FlexiAI.Tests.Errors;

public class ProviderAdapterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(400, ErrorCategory.InvalidRequest)]
    [InlineData(401, ErrorCategory.Authentication)]
    [InlineData(403, ErrorCategory.PermissionDenied)]
    [InlineData(404, ErrorCategory.NotFound)]
    [InlineData(408, ErrorCategory.Timeout)]
    [InlineData(413, ErrorCategory.InvalidRequest)]
    [InlineData(429, ErrorCategory.RateLimited)]
    [InlineData(499, ErrorCategory.Cancelled)]
    [InlineData(500, ErrorCategory.ServerError)]
    [InlineData(502, ErrorCategory.ServerError)]
    [InlineData(503, ErrorCategory.Overloaded)]
    [InlineData(504, ErrorCategory.Timeout)]
    [InlineData(529, ErrorCategory.Overloaded)]
    public void Classify_HttpStatus_MapsToCategory(int status, ErrorCategory expected)
    {
        var failure = ProviderAdapter.Generic.Classify(new HttpRequestException("x", null, (HttpStatusCode)status));
        Assert.Equal(expected, failure.Category);
        Assert.Equal(status, failure.StatusCode);
    }

    [Fact]
    public void Classify_TransportAndTimeoutFailures()
    {
        Assert.Equal(ErrorCategory.Network, ProviderAdapter.Generic.Classify(new HttpRequestException("refused")).Category);
        Assert.Equal(ErrorCategory.Network, ProviderAdapter.Generic.Classify(new IOException("reset")).Category);
        Assert.Equal(ErrorCategory.Timeout, ProviderAdapter.Generic.Classify(new TaskCanceledException("t", new TimeoutException())).Category);
        Assert.Equal(ErrorCategory.Timeout, ProviderAdapter.Generic.Classify(new TimeoutException()).Category);
        Assert.Equal(ErrorCategory.Overloaded, ProviderAdapter.Generic.Classify(new AggregateException(new HttpRequestException("x", null, HttpStatusCode.ServiceUnavailable))).Category);
        Assert.Equal(ErrorCategory.Unknown, ProviderAdapter.Generic.Classify(new InvalidOperationException("?")).Category);
    }

    [Theory]
    [InlineData("1500", null, 1500)]
    [InlineData(null, "7", 7000)]
    [InlineData("250", "7", 250)]
    [InlineData(null, "Sun, 01 Mar 2026 12:00:30 GMT", 30000)]
    [InlineData(null, "Sun, 01 Mar 2026 11:00:00 GMT", 0)]
    public void ParseRetryAfter_SecondsDatesAndMilliseconds(string? ms, string? header, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ProviderAdapter.ParseRetryAfter(ms, header, Now));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("abc", "soon")]
    [InlineData("-5", "-1")]
    public void ParseRetryAfter_Unusable_ReturnsNull(string? ms, string? header)
    {
        Assert.Null(ProviderAdapter.ParseRetryAfter(ms, header, Now));
    }

    [Fact]
    public void ParseRetryAfter_FromResponseHeaders()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.Add("Retry-After", "12");
        Assert.Equal(TimeSpan.FromSeconds(12), ProviderAdapter.ParseRetryAfter(response.Headers, Now));
    }
}
