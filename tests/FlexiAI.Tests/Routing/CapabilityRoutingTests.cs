using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

/// <summary>Capability-aware routing: the capability gate skips a provider that cannot take a request, and refuses a request nobody can take.</summary>
public sealed class CapabilityRoutingTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ChatMessage WithContent(AIContent content) => new(ChatRole.User, [new TextContent("Describe this"), content]);

    [Fact]
    public async Task Audio_with_Anthropic_primary_is_answered_by_OpenAI_with_no_call_to_Anthropic()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("anthropic", "openai"));

        var response = await client.GetResponseAsync([WithContent(new DataContent(new byte[] { 1, 2, 3 }, "audio/wav"))], cancellationToken: Token);

        var route = response.GetRoute();
        Assert.Equal("openai", route.Provider);
        Assert.Equal(AttemptOutcome.Skipped, route.Attempts[0].Outcome);
        Assert.Equal("anthropic", route.Attempts[0].Provider);
        Assert.Equal("unsupported content: audio/wav content as data (messages[0].Contents[1])", route.Attempts[0].SkipReason);
        Assert.Equal(AttemptOutcome.Succeeded, route.Attempts[1].Outcome);
        Assert.Equal(0, fixture.Host["anthropic"].Journal.Count);
        Assert.Equal(1, fixture.Host["openai"].Journal.Count);
        var status = client.GetProviderStatus().Single(s => s.Name == "anthropic");
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Null(status.LastErrorCategory);
    }

    [Fact]
    public async Task A_PDF_URL_skips_OpenAI_for_Anthropic_when_streaming_too()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai", "anthropic"));

        var updates = await client.GetStreamingResponseAsync([WithContent(new UriContent("https://example.com/report.pdf", "application/pdf"))], cancellationToken: Token).ToListAsync(Token);

        var route = updates.ToChatResponse().GetRoute();
        Assert.Equal("anthropic", route.Provider);
        Assert.Equal("unsupported content: application/pdf content by URL (messages[0].Contents[1])", route.Attempts[0].SkipReason);
        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
    }

    [Fact]
    public async Task Content_no_provider_takes_fails_before_any_network_call_naming_each_provider()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("anthropic", "openai"));

        var error = await Assert.ThrowsAsync<RequestValidationException>(
            () => client.GetResponseAsync([WithContent(new DataContent(new byte[] { 1 }, "audio/ogg"))], cancellationToken: Token));

        Assert.Equal("messages[0].Contents[1]", error.Parameter);
        Assert.Contains("No configured provider can take this request", error.Message, StringComparison.Ordinal);
        Assert.Contains("'anthropic' (anthropic) cannot take audio/ogg content as data at messages[0].Contents[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'openai' (openai) cannot take audio/ogg content as data", error.Message, StringComparison.Ordinal);
        Assert.Contains("audio/wav", error.Message, StringComparison.Ordinal); // what OpenAI does take
        Assert.Equal(0, fixture.Host["anthropic"].Journal.Count);
        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
        Assert.All(client.GetProviderStatus(), s => Assert.Equal(CircuitState.Closed, s.State));
    }

    [Fact]
    public async Task A_provider_without_tools_is_skipped_for_a_request_with_tools_and_used_without()
    {
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Providers[0].Capabilities = new ProviderCapabilities { DataMediaTypes = ["image/*"], Tools = false };
        using var client = TestClients.Create(options);
        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "sunny", "weather")] };

        var withTools = await client.GetResponseAsync("Weather?", tools, Token);
        var without = await client.GetResponseAsync("Hello", cancellationToken: Token);

        Assert.Equal("b", withTools.GetRoute().Provider);
        Assert.Equal("unsupported content: tools (options.Tools)", withTools.GetRoute().Attempts[0].SkipReason);
        Assert.Equal("a", without.GetRoute().Provider);
        Assert.Equal(1, a.Calls);
    }

    [Fact]
    public async Task A_provider_without_JSON_schemas_is_skipped_for_structured_output_but_not_for_plain_JSON()
    {
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Providers[0].Capabilities = new ProviderCapabilities { JsonSchema = false };
        using var client = TestClients.Create(options);
        var schema = AIJsonUtilities.CreateJsonSchema(typeof(int));

        var structured = await client.GetResponseAsync("Number?", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "n") }, Token);
        var json = await client.GetResponseAsync("Number?", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, Token);

        Assert.Equal("b", structured.GetRoute().Provider);
        Assert.StartsWith("unsupported content: a JSON schema", structured.GetRoute().Attempts[0].SkipReason, StringComparison.Ordinal);
        Assert.Equal("a", json.GetRoute().Provider);
    }

    [Fact]
    public async Task A_capability_skip_never_touches_the_breaker_not_even_its_half_open_probe()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(10);
        options.Providers[0].Capabilities = new ProviderCapabilities { Tools = false };
        using var client = TestClients.Create(options, time);
        var changes = new List<CircuitStateChange>();
        client.CircuitStateChanged += (_, change) => changes.Add(change);
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(10));

        var response = await client.GetResponseAsync("Weather?", new ChatOptions { Tools = [AIFunctionFactory.Create(() => "sunny", "weather")] }, Token);

        Assert.Equal("b", response.GetRoute().Provider);
        Assert.Equal(AttemptOutcome.Skipped, response.GetRoute().Attempts[0].Outcome);

        // Only the trip: the capability gate answered before the breaker, so no half-open transition happened for nothing.
        Assert.Equal(CircuitState.Open, Assert.Single(changes).To);
        Assert.Equal("a", (await client.Ask(Token)).GetRoute().Provider);
    }

    public static TheoryData<string> MessageShapes => ["list", "array", "read-only list", "lazy sequence"];

    [Theory]
    [MemberData(nameof(MessageShapes))]
    public async Task The_refusal_names_the_content_for_every_message_shape(string shape)
    {
        var a = FakeChatClient.Answering("a");
        var options = TestClients.Options(a);
        options.Providers[0].Capabilities = new ProviderCapabilities { DataMediaTypes = ["image/png"] };
        using var client = TestClients.Create(options);
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "first"),
            new(ChatRole.User, [new TextContent("look"), new DataContent(new byte[] { 1 }, "image/png"), new DataContent(new byte[] { 2 }, "audio/ogg")]),
        ];
        IEnumerable<ChatMessage> request = shape switch
        {
            "list" => messages,
            "array" => messages.ToArray(),
            "read-only list" => messages.AsReadOnly(),
            _ => messages.Select(m => m),
        };

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync(request, cancellationToken: Token));

        Assert.Equal("messages[1].Contents[2]", error.Parameter);
        Assert.Contains("'a' (a) cannot take audio/ogg content as data", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, a.Calls);
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("IMAGE/PNG", true)]
    [InlineData("image/tiff", true)]
    [InlineData("audio/wav", true)]
    [InlineData("audio/ogg", false)]
    [InlineData("imagex/png", false)]
    public void Media_type_patterns_match_exactly_or_by_top_level_wildcard(string mediaType, bool accepted)
    {
        var capabilities = new ProviderCapabilities { DataMediaTypes = ["image/*", "audio/wav"] };

        Assert.Equal(accepted, capabilities.Accepts(new DataContent(new byte[] { 1 }, mediaType)));
        Assert.False(capabilities.Accepts(new UriContent("https://example.com/x", mediaType)));
        Assert.True(capabilities.Accepts(new TextContent("text is always taken")));
    }

    [Fact]
    public void A_model_without_tools_or_JSON_output_narrows_the_provider_capabilities()
    {
        var model = new ProviderModelInfo("m", null, null, SupportsTools: false, SupportsStreaming: true, SupportsJsonOutput: false);

        var narrowed = ProviderCapabilities.Any.For(model);

        Assert.False(narrowed.Tools);
        Assert.False(narrowed.JsonSchema);
        Assert.True(narrowed.Accepts(new DataContent(new byte[] { 1 }, "video/mp4")));
        Assert.Same(ProviderCapabilities.Any, ProviderCapabilities.Any.For(ProviderModelInfo.Unknown("m")));
    }
}
