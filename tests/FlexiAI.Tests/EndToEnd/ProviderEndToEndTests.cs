using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>Every provider through FlexiAIClient over real HTTP to the emulator: the official SDKs for OpenAI and Anthropic, FlexiAI's client for Vertex AI.</summary>
public sealed class ProviderEndToEndTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => new("openai", "vertexai", "anthropic");

    private static string Expected(string kind, string said) => $"Hello from {kind}. You said: \"{said}\". This is a deterministic reply from the FlexiAI emulator.";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Single_turn_text_usage_finish_reason_and_route(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));

        var response = await client.GetResponseAsync("What is failover?", cancellationToken: Token);

        Assert.Equal(Expected(kind, "What is failover?"), response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        var route = response.GetRoute();
        Assert.Equal(kind, route.Provider);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(route.Attempts).Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Multi_turn_with_a_system_prompt_maps_roles_on_the_wire(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, "First question"),
            new(ChatRole.Assistant, "First answer"),
            new(ChatRole.User, "Second question"),
        ];

        var response = await client.GetResponseAsync(messages, cancellationToken: Token);

        Assert.Equal(Expected(kind, "Second question"), response.Text);
        var body = fixture.Host[kind].Journal.Last!.Json()!;
        switch (kind)
        {
            case "openai":
                var roles = body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).ToList();
                Assert.Equal(["system", "user", "assistant", "user"], roles);
                break;
            case "anthropic":
                Assert.Contains("You are terse.", body["system"]!.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal(["user", "assistant", "user"], body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
                Assert.Equal(4096, body["max_tokens"]!.GetValue<int>());
                break;
            default:
                Assert.Equal("You are terse.", body["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
                Assert.Equal(["user", "model", "user"], body["contents"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
                break;
        }
    }

    [Description("Weather for a city")]
    private static string GetWeather(string city) => $"21 degrees and sunny in {city}";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Tool_round_trip_with_function_invocation_on_top(string kind)
    {
        using var flexi = EmulatedProvidersFixture.Client(fixture.Options(kind));
        using var client = new ChatClientBuilder(flexi).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather, "get_weather")] };

        var response = await client.GetResponseAsync("Please use the tool for the weather", options, Token);

        // The tool result travels as JSON (a string, or Vertex's {"result": …} wrapper for non-object results).
        Assert.StartsWith("The get_weather tool returned: ", response.Text, StringComparison.Ordinal);
        Assert.Contains("21 degrees and sunny in Paris", response.Text, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Host[kind].Journal.Count);
        var second = fixture.Host[kind].Journal.Last!.Json()!.ToJsonString();
        Assert.Contains(kind switch { "openai" => "tool_call_id", "anthropic" => "tool_result", _ => "functionResponse" }, second, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Streaming_text_usage_and_the_route_on_the_final_update(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        var text = new System.Text.StringBuilder();
        RouteReport? route = null;
        ChatFinishReason? finish = null;

        await foreach (var update in client.GetStreamingResponseAsync("Stream it", cancellationToken: Token))
        {
            text.Append(update.Text);
            finish ??= update.FinishReason;
            route = update.TryGetRoute() ?? route;
        }

        Assert.Equal(Expected(kind, "Stream it"), text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(route);
        Assert.Equal(kind, route.Provider);
        Assert.True(route.Usage?.OutputTokenCount > 0, $"usage: {route.Usage?.OutputTokenCount}");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("vertexai")]
    public async Task Structured_output_returns_schema_shaped_json(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));

        var response = await client.GetResponseAsync<WeatherReport>("Report the weather", cancellationToken: Token);

        Assert.Equal(1, response.Result.Temperature);
        Assert.StartsWith($"Hello from {kind}.", response.Result.Summary, StringComparison.Ordinal);
        var body = fixture.Host[kind].Journal.Last!.Json()!;
        Assert.NotNull(kind == "openai" ? body["response_format"]!["json_schema"] : body["generationConfig"]!["responseJsonSchema"]);
    }

    public sealed record WeatherReport(string Summary, int Temperature);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Max_output_tokens_gives_a_length_finish(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));

        var response = await client.GetResponseAsync("Tell me everything", new ChatOptions { MaxOutputTokens = 3 }, Token);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(12, response.Text.Length);
    }

    public static TheoryData<string, int, ErrorCategory> StatusFaults => new()
    {
        { "openai", 429, ErrorCategory.RateLimited },
        { "openai", 500, ErrorCategory.ServerError },
        { "openai", 503, ErrorCategory.Overloaded },
        { "openai", 400, ErrorCategory.InvalidRequest },
        { "openai", 404, ErrorCategory.NotFound },
        { "anthropic", 429, ErrorCategory.RateLimited },
        { "anthropic", 500, ErrorCategory.ServerError },
        { "anthropic", 529, ErrorCategory.Overloaded },
        { "anthropic", 400, ErrorCategory.InvalidRequest },
        { "anthropic", 403, ErrorCategory.PermissionDenied },
        { "vertexai", 429, ErrorCategory.RateLimited },
        { "vertexai", 500, ErrorCategory.ServerError },
        { "vertexai", 503, ErrorCategory.Overloaded },
        { "vertexai", 504, ErrorCategory.Timeout },
        { "vertexai", 400, ErrorCategory.InvalidRequest },
        { "vertexai", 403, ErrorCategory.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task Injected_statuses_are_classified_and_routed_by_policy(string kind, int status, ErrorCategory category)
    {
        var backup = kind == "openai" ? "anthropic" : "openai";
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind, backup));
        fixture.Host[kind].Faults.FailNext(1, Fault.Status(status));

        var policy = ErrorPolicy.GetDefault(category);
        if (policy.Failover)
        {
            var response = await client.GetResponseAsync("Hi", cancellationToken: Token);
            var route = response.GetRoute();
            Assert.Equal(backup, route.Provider);
            Assert.Equal((AttemptOutcome.Failed, category, status), (route.Attempts[0].Outcome, route.Attempts[0].Category!.Value, route.Attempts[0].StatusCode!.Value));
        }
        else
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));
            Assert.Equal(category, error.Category);
            Assert.Equal(status, error.StatusCode);
            Assert.Equal(0, fixture.Host[backup].Journal.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Retry_after_is_captured_and_honoured_with_a_retry_on_the_same_provider(string kind)
    {
        var options = fixture.Options(kind);
        options.Retry.MaxAttempts = 2;
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host[kind].Faults.FailNext(1, Fault.Status(429, retryAfterMs: TimeSpan.FromMilliseconds(50)));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        var route = response.GetRoute();
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], route.Attempts.Select(a => a.Outcome));
        Assert.Equal(2, fixture.Host[kind].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Retry_after_above_the_cap_fails_over_at_once(string kind)
    {
        var backup = kind == "openai" ? "vertexai" : "openai";
        var options = fixture.Options(kind, backup);
        options.Retry.MaxAttempts = 3;
        options.Retry.MaxRetryAfter = TimeSpan.FromSeconds(1);
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host[kind].Faults.FailNext(1, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(30)));

        var error = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal(backup, error.GetRoute().Provider);
        Assert.Equal(1, fixture.Host[kind].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Wrong_key_is_an_authentication_failure(string kind)
    {
        var options = fixture.Options();
        options.Providers.Add(fixture.Provider(kind, 1, key: "wrong-key-000000000000"));
        using var client = EmulatedProvidersFixture.Client(options);

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));

        var failure = Assert.IsType<ProviderException>(Assert.Single(error.Errors));
        Assert.Equal(ErrorCategory.Authentication, failure.Category);
        Assert.Equal(401, failure.StatusCode);
        Assert.DoesNotContain("wrong-key-000000000000", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Connection_reset_is_a_network_failure(string kind)
    {
        var backup = kind == "openai" ? "anthropic" : "openai";
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind, backup));
        fixture.Host[kind].Faults.FailNext(1, Fault.ResetConnection());

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal(ErrorCategory.Network, response.GetRoute().Attempts[0].Category);
        Assert.Equal(backup, response.GetRoute().Provider);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stalled_provider_times_out_and_fails_over(string kind)
    {
        var backup = kind == "openai" ? "anthropic" : "openai";
        var options = fixture.Options(kind, backup);
        options.Providers[0].Timeout = TimeSpan.FromMilliseconds(400);
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host[kind].Faults.FailNext(1, Fault.Stall());

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal(ErrorCategory.Timeout, response.GetRoute().Attempts[0].Category);
        Assert.Equal(backup, response.GetRoute().Provider);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Malformed_json_is_a_failure_that_fails_over(string kind)
    {
        var backup = kind == "openai" ? "anthropic" : "openai";
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind, backup));
        fixture.Host[kind].Faults.FailNext(1, Fault.MalformedJson());

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal(backup, response.GetRoute().Provider);
        Assert.Equal(AttemptOutcome.Failed, response.GetRoute().Attempts[0].Outcome);
    }

    public static TheoryData<string, string, string> Orderings()
    {
        var data = new TheoryData<string, string, string>();
        string[] kinds = ["openai", "vertexai", "anthropic"];
        foreach (var a in kinds)
        {
            foreach (var b in kinds.Where(k => k != a))
            {
                data.Add(a, b, kinds.Single(k => k != a && k != b));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Orderings))]
    public async Task Three_way_failover_in_every_order(string first, string second, string third)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(first, second, third));
        fixture.Host[first].Faults.FailAlways(Fault.Status(503));
        fixture.Host[second].Faults.FailAlways(Fault.Status(500));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal(Expected(third, "Hi"), response.Text);
        Assert.Equal([first, second, third], response.GetRoute().Attempts.Select(a => a.Provider));
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Failed, AttemptOutcome.Succeeded], response.GetRoute().Attempts.Select(a => a.Outcome));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Circuit_opens_skips_the_provider_and_recovers_with_one_probe(string kind)
    {
        var backup = kind == "openai" ? "vertexai" : "openai";
        var options = fixture.Options(kind, backup);
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = EmulatedProvidersFixture.Client(options, time);
        fixture.Host[kind].Faults.FailAlways(Fault.Status(503));

        await client.GetResponseAsync("1", cancellationToken: Token);
        await client.GetResponseAsync("2", cancellationToken: Token);
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(s => s.Name == kind).State);
        var skipped = await client.GetResponseAsync("3", cancellationToken: Token);
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, skipped.GetRoute().Attempts[0].Outcome);
        Assert.Equal(2, fixture.Host[kind].Journal.Count);

        fixture.Host[kind].Faults.Clear();
        time.Advance(TimeSpan.FromSeconds(31));
        var probe = await client.GetResponseAsync("4", cancellationToken: Token);

        Assert.Equal(kind, probe.GetRoute().Provider);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(s => s.Name == kind).State);
        Assert.Equal(3, fixture.Host[kind].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Credentials_are_validated_with_a_cheap_call(string kind)
    {
        var options = fixture.Options(kind);
        options.Providers.Add(fixture.Provider(kind, 2, key: "wrong-key-000000000000"));
        options.Providers[1].Name = kind + "-wrong";
        using var client = EmulatedProvidersFixture.Client(options);

        var results = await client.ValidateCredentialsAsync(Token);

        Assert.Equal(CredentialStatus.Valid, results.Single(r => r.Provider == kind).Status);
        Assert.Equal(CredentialStatus.Invalid, results.Single(r => r.Provider == kind + "-wrong").Status);
    }

    [Fact]
    public async Task A_blocked_vertex_prompt_is_content_filtered_and_does_not_fail_over()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("vertexai", "openai"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("something [[blocked]]", cancellationToken: Token));

        Assert.Equal(ErrorCategory.ContentFiltered, error.Category);
        Assert.Contains("SAFETY", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
    }

    [Fact]
    public async Task Vertex_safety_ratings_and_model_version_reach_the_response()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("vertexai"));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal("gemini-3.5-flash", response.ModelId);
        Assert.False(string.IsNullOrEmpty(response.ResponseId));
        var ratings = Assert.IsType<JsonElement>(response.AdditionalProperties!["vertexai.safety_ratings"]);
        Assert.Equal(JsonValueKind.Array, ratings.ValueKind);
        Assert.Equal("Bearer ***", fixture.Host["vertexai"].Journal.Last!.Headers["Authorization"]);
    }

    [Fact]
    public async Task Vertex_maps_options_tool_mode_and_safety_settings_onto_the_request()
    {
        var options = fixture.Options("vertexai");
        options.Providers[0].Settings["safety_threshold"] = "BLOCK_ONLY_HIGH";
        using var client = EmulatedProvidersFixture.Client(options);
        var chatOptions = new ChatOptions
        {
            Temperature = 0.3f,
            TopP = 0.9f,
            TopK = 20,
            StopSequences = ["END"],
            Seed = 7,
            Tools = [AIFunctionFactory.Create(GetWeather, "get_weather")],
            ToolMode = ChatToolMode.RequireSpecific("get_weather"),
        };

        var response = await client.GetResponseAsync("Weather please", chatOptions, Token);

        Assert.Equal("get_weather", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var body = fixture.Host["vertexai"].Journal.Last!.Json()!;
        var config = body["generationConfig"]!;
        Assert.Equal(0.3, config["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(20, config["topK"]!.GetValue<int>());
        Assert.Equal("END", config["stopSequences"]![0]!.GetValue<string>());
        Assert.Equal(7, config["seed"]!.GetValue<long>());
        Assert.Equal("ANY", body["toolConfig"]!["functionCallingConfig"]!["mode"]!.GetValue<string>());
        Assert.Equal("get_weather", body["toolConfig"]!["functionCallingConfig"]!["allowedFunctionNames"]![0]!.GetValue<string>());
        Assert.Equal("get_weather", body["tools"]![0]!["functionDeclarations"]![0]!["name"]!.GetValue<string>());
        Assert.All(body["safetySettings"]!.AsArray(), s => Assert.Equal("BLOCK_ONLY_HIGH", s!["threshold"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("anthropic", "audio/wav")]
    [InlineData("openai", "video/mp4")]
    public async Task Content_a_provider_cannot_take_goes_to_the_next_provider_that_can(string kind, string mediaType)
    {
        var options = fixture.Options(kind, "vertexai");
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = EmulatedProvidersFixture.Client(options);
        ChatMessage message = new(ChatRole.User, [new TextContent("Describe this"), new DataContent(new byte[] { 1, 2, 3 }, mediaType)]);

        var response = await client.GetResponseAsync([message], cancellationToken: Token);

        Assert.Equal("vertexai", response.GetRoute().Provider);
        Assert.Equal($"unsupported content: {mediaType} content as data (messages[0].Contents[1])", response.GetRoute().Attempts[0].SkipReason);
        Assert.Equal(0, fixture.Host[kind].Journal.Count);
        Assert.Equal(1, fixture.Host["vertexai"].Journal.Count);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(s => s.Name == kind).State);
    }

    [Theory]
    [InlineData("anthropic", "audio/wav")]
    [InlineData("openai", "video/mp4")]
    public async Task Content_a_lone_provider_cannot_take_is_refused_before_any_network_call(string kind, string mediaType)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        ChatMessage message = new(ChatRole.User, [new TextContent("Describe this"), new DataContent(new byte[] { 1, 2, 3 }, mediaType)]);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync([message], cancellationToken: Token));

        Assert.Equal("messages[0].Contents[1]", error.Parameter);
        Assert.Contains($"'{kind}' ({kind}) cannot take {mediaType}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Host[kind].Journal.Count);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(s => s.Name == kind).State);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Images_reach_every_provider_in_its_own_shape(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        ChatMessage message = new(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png")]);

        var response = await client.GetResponseAsync([message], cancellationToken: Token);

        Assert.Equal(Expected(kind, "What is in this image?"), response.Text);
        var body = fixture.Host[kind].Journal.Last!.Json()!.ToJsonString();
        Assert.Contains(kind switch { "openai" => "image_url", "anthropic" => "\"type\":\"image\"", _ => "inlineData" }, body, StringComparison.Ordinal);
        Assert.Contains("iVBORw", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_specific_response_data_lands_in_additional_properties()
    {
        using var openai = EmulatedProvidersFixture.Client(fixture.Options("openai"));
        var response = await openai.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal("fp_emulator", response.AdditionalProperties!["system_fingerprint"]);

        using var anthropic = EmulatedProvidersFixture.Client(fixture.Options("anthropic"));
        var message = await anthropic.GetResponseAsync("Hi", cancellationToken: Token);
        Assert.True(message.AdditionalProperties!.ContainsKey("stop_sequence"));
        Assert.Contains("end_turn", message.AdditionalProperties["stop_reason"]?.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
