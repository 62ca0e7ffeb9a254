using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Gateway;
using OpenAI;
using OpenAI.Chat;

// The OpenAI-compatible gateway (`flexiai serve`) in process, over the embedded emulator — what `flexiai serve --emulate` runs —
// called with the official OpenAI .NET SDK: any OpenAI client gets FlexiAI's failover by changing its base URL. See docs/gateway.md.
// The emulator is used even when provider keys are set: the sample injects a fault into it to show failover.
// Exits 0 only when every check below holds.
await using var emulator = await EmulatorHost.StartAsync();
var options = new FlexiAIOptions { Cache = new ResponseCacheOptions { Enabled = true, Ttl = TimeSpan.FromMinutes(10) } };
options.Providers.Add(new ProviderOptions { Name = "openai", Priority = 1, Model = "gpt-5.4-mini", ApiKey = "emulator", BaseUrl = emulator["openai"].BaseUrl });
options.Providers.Add(new ProviderOptions { Name = "anthropic", Priority = 2, Model = "claude-sonnet-5-5", ApiKey = "emulator", BaseUrl = emulator["anthropic"].BaseUrl });
options.Retry.MaxAttempts = 1;

const string Key = "sk-gateway-sample";
var settings = new GatewayOptions();
settings.Keys.Add(new GatewayKeyOptions { Key = Key, Tag = "samples" });
settings.Routes["cheap"] = ["anthropic"];

using var gateway = new FlexiAIGateway(options, settings);
await using var server = await GatewayHost.StartAsync(gateway, "127.0.0.1", 0, configureLogging: _ => { });
Console.WriteLine("gateway listening (the embedded emulator behind it)");

// The official OpenAI SDK, pointed at the gateway: base URL + a gateway key. The provider keys stay in the gateway.
var client = new ChatClient("default", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(server.Url, "v1"), RetryPolicy = new ClientRetryPolicy(0) });
var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"  check {(ok ? "ok" : "FAILED")}: {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

static string Header(PipelineResponse response, string name) => response.Headers.TryGetValue(name, out var value) ? value ?? "" : "(none)";

// 1. A plain call: the primary answers; the route travels in x-flexiai-* headers.
var answer = await client.CompleteChatAsync([new UserChatMessage("What does a gateway add?")]);
var raw = answer.GetRawResponse();
Console.WriteLine($"1. answer: {answer.Value.Content[0].Text[..24]}…");
Console.WriteLine($"   x-flexiai-provider: {Header(raw, "x-flexiai-provider")}, x-flexiai-attempts: {Header(raw, "x-flexiai-attempts")}, x-flexiai-cache: {Header(raw, "x-flexiai-cache")}");
Check(Header(raw, "x-flexiai-provider") == "openai", "the primary answered");

// 2. A stream: SSE chunks forwarded as they arrive, then finish_reason and [DONE].
var text = new StringBuilder();
var chunks = 0;
ChatFinishReason? finish = null;
await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Stream a short answer")]))
{
    chunks++;
    foreach (var part in update.ContentUpdate)
    {
        text.Append(part.Text);
    }

    finish ??= update.FinishReason;
}

Console.WriteLine($"2. streamed {chunks} chunks, finish reason {finish}: {text.ToString()[..24]}…");
Check(chunks > 2 && finish == ChatFinishReason.Stop, "the stream arrived in chunks and finished");

// 3. The primary fails (the emulator answers 503): the SDK call still succeeds, from the backup, and the headers say so.
emulator["openai"].Faults.FailAlways(Fault.Status(503));
var failover = await client.CompleteChatAsync([new UserChatMessage("Are you still there?")]);
raw = failover.GetRawResponse();
Console.WriteLine($"3. primary down: x-flexiai-provider: {Header(raw, "x-flexiai-provider")}, x-flexiai-attempts: {Header(raw, "x-flexiai-attempts")}");
Check(Header(raw, "x-flexiai-provider") == "anthropic" && Header(raw, "x-flexiai-attempts") == "2", "failover to the backup, visible in the headers");
emulator["openai"].Faults.Clear();

// 4. The response cache (cache.enabled): the same question again is answered without a provider call.
var before = emulator["openai"].Journal.Count + emulator["anthropic"].Journal.Count;
var again = await client.CompleteChatAsync([new UserChatMessage("What does a gateway add?")]);
raw = again.GetRawResponse();
var calls = emulator["openai"].Journal.Count + emulator["anthropic"].Journal.Count - before;
Console.WriteLine($"4. same question: x-flexiai-cache: {Header(raw, "x-flexiai-cache")}, x-flexiai-provider: {Header(raw, "x-flexiai-provider")}, x-flexiai-attempts: {Header(raw, "x-flexiai-attempts")}, provider calls: {calls}");
Check(Header(raw, "x-flexiai-cache") == "hit" && calls == 0, "a cache hit, no provider call");

// 5. Errors come back in OpenAI's shape, so the SDK raises its own exception with the status.
try
{
    await new ChatClient("no-such-route", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(server.Url, "v1"), RetryPolicy = new ClientRetryPolicy(0) })
        .CompleteChatAsync([new UserChatMessage("Hello")]);
    Check(false, "an unknown route is refused");
}
catch (ClientResultException ex)
{
    Console.WriteLine($"5. unknown route: {ex.Status} from the SDK");
    Check(ex.Status == 404, "an unknown route is refused with 404");
}

Console.WriteLine(failures.Count == 0 ? "all gateway checks passed" : $"{failures.Count} gateway check(s) FAILED: {string.Join("; ", failures)}");
return failures.Count == 0 ? 0 : 1;
