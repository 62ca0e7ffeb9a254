using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlexiAI.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: the system's headless Chromium driven by Playwright for .NET (its bundled driver; no browser
/// download). Skipped with a message when no Chromium is installed, except in CI (CI=true), where that is a failure.
/// </summary>
public sealed class BrowserTests
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>Where the test saves its screenshot (docs/images/dashboard.png is a copy; .ci/run prints this path).</summary>
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard.png");

    [Fact]
    public async Task The_page_shows_a_breaker_open_and_close_live_with_no_console_errors_no_external_requests_and_no_admin_buttons()
    {
        var chromium = FindChromium();
        if (chromium is null)
        {
            const string Message = "No Chromium found (/usr/bin/chromium, or FLEXIAI_CHROMIUM): install the Debian package 'chromium' (.ci/run does) to run the browser test.";
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), Message);
            Assert.Skip(Message);
        }

        // Admin actions exist, but the browser's anonymous caller does not satisfy their policy: no buttons.
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); o.EnableAdminActions("admin"); }));
        for (var i = 0; i < 4; i++)
        {
            await app.AskAsync();
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 }, ColorScheme = ColorScheme.Light });
        var errors = new List<string>();
        var external = new List<string>();
        var origin = app.Root.GetLeftPart(UriPartial.Authority);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (errors)
                {
                    errors.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add("page error: " + error);
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (external)
                {
                    external.Add(request.Url);
                }
            }
        };

        await page.GotoAsync(origin + "/flexiai/");
        var breaker = page.Locator("[data-provider='openai'] .breaker");
        await Expect(breaker).ToHaveAttributeAsync("data-state", "closed", new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-provider='anthropic'] .breaker")).ToHaveTextAsync("closed");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // The outage: two 503s open the primary's breaker; the page shows it within 2 s, without a reload.
        await app.OutageOnPrimaryAsync();
        await app.AskAsync();
        await Expect(breaker).ToHaveAttributeAsync("data-state", "open", new() { Timeout = 2_000 });
        await Expect(breaker).ToHaveTextAsync("open");
        await Expect(page.Locator("[data-provider='openai'] .breaker-detail")).ToContainTextAsync("next probe in");
        await Expect(page.Locator("#timeline tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline tbody tr").First).ToContainTextAsync("closed → open");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Equal(0, await page.Locator("button").CountAsync());
        Assert.Equal(0, await page.GetByText("Reset breaker").CountAsync());

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"dashboard screenshot: {ScreenshotPath}");

        // Recovery: the half-open probe succeeds and the page shows the breaker closed again.
        await app.RecoverPrimaryAsync();
        await Expect(breaker).ToHaveAttributeAsync("data-state", "closed", new() { Timeout = 2_000 });
        await Expect(page.Locator("#timeline tbody tr").First).ToContainTextAsync("half-open → closed");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

        lock (errors)
        {
            Assert.Empty(errors);
        }

        lock (external)
        {
            Assert.Empty(external);
        }
    }

    private static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("FLEXIAI_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
    }
}
