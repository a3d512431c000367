package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.ColorScheme;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Debian's Chromium driven by Playwright against the real service (with the UI Quinoa built) and a fake Hub over
 * HTTP. Screenshots go to target/ui-screenshots/: {@link #shots} takes each page at 1280 and 390 px wide, in the
 * light and the dark theme, and fails when the page scrolls sideways at 390 px.
 */
abstract class BrowserTestBase {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SHOTS = Path.of("target", "ui-screenshots");
    /** A host name that is not loopback for the page, resolved to 127.0.0.1 by Chromium alone. */
    static final String REMOTE_HOST = "modelport.test";
    static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--host-resolver-rules=MAP " + REMOTE_HOST + " 127.0.0.1");
    /** Downloading, loading the engine and warming up a model; generous for a 2-core CI machine. */
    static final double DEPLOY_TIMEOUT_MS = 240_000;
    static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Playwright playwright;
    static Browser browser;

    @TestHTTPResource("/")
    URL base;

    BrowserContext context;
    Page page;
    final List<String> consoleErrors = new ArrayList<>();
    String prefix;
    int width = 1280;

    @BeforeAll
    static void launchBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM), "needs Debian's Chromium: apt-get install -y chromium");
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(CHROMIUM_FLAGS));
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openPage(TestInfo info) throws IOException {
        Files.createDirectories(SHOTS);
        prefix = getClass().getSimpleName().replace("BrowserTest", "") + "-" + info.getTestMethod().orElseThrow().getName();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)
                .setColorScheme(ColorScheme.LIGHT));
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
        page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                consoleErrors.add(m.text());
            }
        });
        page.onPageError(consoleErrors::add);
        hubRate(TinyHubResource.HUB_BYTES_PER_SECOND);
    }

    @AfterEach
    void closePage() {
        if (page != null) {
            shot("last");
        }
        if (context != null) {
            context.close();
        }
    }

    /** Sets the width the test works at (1280 or 390); the height follows. */
    void useWidth(int w) {
        width = w;
        page.setViewportSize(w, w <= 400 ? 844 : 900);
    }

    String url(String path) {
        return base.toString().replaceAll("/$", "") + "/" + path;
    }

    /** The same page as reached from another machine (a host name that is not loopback). */
    String remoteUrl(String path) {
        return "http://" + REMOTE_HOST + ":" + base.getPort() + "/" + path;
    }

    /** One screenshot of the window as the page is now (what a person sees). */
    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(prefix + "-" + name + ".png")));
    }

    /**
     * The page at 1280 and 390 px in the light and dark theme; at 390 px the page must not scroll sideways. Goes
     * back to the light theme and the test's width afterwards.
     */
    void shots(String name) {
        List<String> overflows = new ArrayList<>();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            for (int w : List.of(1280, 390)) {
                page.setViewportSize(w, w == 390 ? 844 : 900);
                page.waitForTimeout(120);
                if (w == 390) {
                    int overflow = ((Number) page.evaluate(
                            "document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue();
                    if (overflow > 0) {
                        overflows.add(name + " (" + scheme + "): " + overflow + " px");
                    }
                }
                // the whole page in a window as tall as the page, so sticky parts sit where they belong
                int tall = ((Number) page.evaluate(
                        "Math.ceil(document.getElementById('root').getBoundingClientRect().height)")).intValue();
                page.setViewportSize(w, Math.max(w == 390 ? 844 : 900, Math.min(tall, 6000)));
                page.waitForTimeout(80);
                page.evaluate("window.scrollTo(0, 0)");
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(SHOTS.resolve(prefix + "-" + name + "-" + w + "-" + scheme.name().toLowerCase() + ".png")));
            }
        }
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        useWidth(width);
        assertEquals(List.of(), overflows, "the page scrolls sideways at 390 px");
    }

    /** The test hub's download speed (bytes per second; 0 = as fast as it goes), over its HTTP switch. */
    static void hubRate(long bytesPerSecond) {
        String hub = ConfigProvider.getConfig().getValue("modelport.hub.endpoint", String.class);
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(hub + "/_faults")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rate_bps\": " + bytesPerSecond + "}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deploys through the API, as curl would. */
    static void deployApi(Map<String, Object> body) {
        given().contentType("application/json").body(body).post("/api/v1/deploy").then().statusCode(202);
    }

    /** Polls the API until the deployment reaches {@code status} (or ends otherwise). */
    static String awaitStatus(String id, String status) {
        long end = System.nanoTime() + Duration.ofMillis((long) DEPLOY_TIMEOUT_MS).toNanos();
        String now = null;
        while (System.nanoTime() < end) {
            var r = given().get("/api/v1/deployments/" + id).then().extract();
            now = r.statusCode() == 200 ? r.path("status") : "absent";
            if (status.equals(now) || List.of("completed", "failed", "cancelled", "stopped").contains(now)) {
                return now;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
        }
        return now;
    }

    /** Removes a deployment through the API whatever its state (twice for one that was running: cancel, remove). */
    static void removeApi(String id) {
        for (int i = 0; i < 2; i++) {
            int code = given().delete("/api/v1/deployments/" + id).then().extract().statusCode();
            if (code == 404) {
                return;
            }
        }
    }

    void awaitCompleted(Locator progressView) {
        assertThat(progressView).hasAttribute("data-status", "completed",
                new LocatorAssertions.HasAttributeOptions().setTimeout(DEPLOY_TIMEOUT_MS));
    }

    /** Whether the element lies wholly inside the viewport as it is scrolled now. */
    boolean inViewport(Locator l) {
        var box = l.boundingBox();
        var size = page.viewportSize();
        return box != null && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 0.5
                && box.y + box.height <= size.height + 0.5;
    }

    String activeTestId() {
        return (String) page.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')");
    }
}
