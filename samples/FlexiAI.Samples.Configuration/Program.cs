using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Configuration: a JSON file, FLEXIAI_ environment overrides, code overrides, validation, masked export, and DI.
await using var providers = await SampleProviders.CreateAsync();
var emulator = providers.Emulator;

// 1. File + environment + code (lowest to highest). Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY, or the emulator here.
Environment.SetEnvironmentVariable("FLEXIAI_RETRY__MAX_ATTEMPTS", "3");
var options = FlexiAIConfiguration.LoadFile(Path.Combine(AppContext.BaseDirectory, "flexiai.json"), o =>
{
    if (emulator is not null)
    {
        o.Providers[0].ApiKey = o.Providers[1].ApiKey = "emulator";
        o.Providers[0].BaseUrl = emulator["openai"].BaseUrl;
        o.Providers[1].BaseUrl = emulator["anthropic"].BaseUrl;
    }
});
Console.WriteLine($"retry.max_attempts = {options.Retry.MaxAttempts} (file 2, environment 3)");

// 2. Validation names the path and the fix.
var broken = FlexiAIConfiguration.Validate(new FlexiAIOptions { Providers = { new ProviderOptions { Name = "openai", Priority = 0 } } });
foreach (var error in broken)
{
    Console.WriteLine($"  invalid: {error}");
}

// 3. Export, secrets masked.
using (var ai = new FlexiAIClient(options))
{
    Console.WriteLine(ai.ExportConfiguration());
    Console.WriteLine((await ai.GetResponseAsync("Hello from a file-configured client")).Text);
}

// 4. Dependency injection from an IConfiguration section (appsettings.json style, PascalCase works too).
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "flexiai.json"))
    .Build();
var services = new ServiceCollection();
services.AddFlexiAI(configuration, o =>
{
    if (emulator is not null)
    {
        o.Providers[0].ApiKey = o.Providers[1].ApiKey = "emulator";
        o.Providers[0].BaseUrl = emulator["openai"].BaseUrl;
        o.Providers[1].BaseUrl = emulator["anthropic"].BaseUrl;
    }
});
await using var container = services.BuildServiceProvider();
var chat = container.GetRequiredService<IChatClient>();
Console.WriteLine((await chat.GetResponseAsync("Hello from DI")).Text);
