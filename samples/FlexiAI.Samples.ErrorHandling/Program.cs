using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// Error handling: what each FlexiAI exception tells you. Faults are injected on the emulator (skipped with real keys).
await using var providers = await SampleProviders.CreateAsync();
var options = providers.Options;
options.Retry.MaxAttempts = 1;
using var ai = new FlexiAIClient(options);
var emulator = providers.Emulator;

// 1. Invalid requests fail before any network call.
try
{
    await ai.GetResponseAsync(new List<ChatMessage>());
}
catch (RequestValidationException ex)
{
    Console.WriteLine($"RequestValidationException ({ex.Parameter}): {ex.Message}");
}

if (emulator is null)
{
    Console.WriteLine("Real providers: fault injection skipped.");
    return;
}

// 2. Every provider down: AllProvidersFailedException lists each attempt's classified error.
foreach (var instance in emulator.Instances)
{
    instance.Faults.FailNext(1, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(20)));
}

try
{
    await ai.GetResponseAsync("Hello");
}
catch (AllProvidersFailedException ex)
{
    Console.WriteLine($"AllProvidersFailedException: {ex.Errors.Count} attempts");
    foreach (var error in ex.Errors.OfType<ProviderException>())
    {
        Console.WriteLine($"  {error.Provider}: {error.Category}, HTTP {error.StatusCode}, retry after {error.RetryAfter?.TotalSeconds} s, request {error.RequestId}, retryable {error.IsRetryable}");
        Console.WriteLine($"    hint: {error.Hint}");
    }
}

// 3. A category that does not fail over (an invalid request) surfaces as a ProviderException at once.
emulator["openai"].Faults.FailNext(1, Fault.Status(400, message: "Invalid 'messages[0].content'"));
try
{
    await ai.GetResponseAsync("Hello");
}
catch (ProviderException ex)
{
    Console.WriteLine($"ProviderException: {ex.Category} from {ex.Provider}: {ex.Message}");
}

// 4. A stream cut after text reached you: StreamInterruptedException keeps what you already have.
emulator["openai"].Faults.FailNext(1, Fault.StreamError(afterChunks: 3, statusCode: 503));
try
{
    await foreach (var update in ai.GetStreamingResponseAsync("Tell me a story"))
    {
        Console.Write(update.Text);
    }
}
catch (StreamInterruptedException ex)
{
    Console.WriteLine($"\nStreamInterruptedException after \"{ex.PartialText}\" ({ex.Category}); route: {ex.Route}");
}
