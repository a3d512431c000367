package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Walks the web UI in Debian's Chromium against the real service and a fake Hub: the five wizard steps, a
 * deployment followed to 100 % through every stage, a try-it inference, undeploy, and a deployment of an
 * unknown model that fails with its error shown. Screenshots of each step go to target/screenshots/.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class WizardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync");
    private static final List<String> STAGES = List.of("initializing", "validating", "downloading", "loading",
            "creating", "starting", "completed");
    /** Downloading, loading the engine and warming up a tiny model; generous for a 2-core CI machine. */
    private static final double DEPLOY_TIMEOUT_MS = 180_000;

    /** Records each status the progress view shows, in order, across client-side navigation. */
    private static final String STATUS_RECORDER = """
            window.__statuses = [];
            new MutationObserver(() => {
              const view = document.querySelector('[data-testid=progress-view]');
              const s = view && view.getAttribute('data-status');
              if (s && window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
            }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
            """;

    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL base;

    private BrowserContext context;
    private Page page;
    private final List<String> consoleErrors = new ArrayList<>();
    private String prefix;

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
        Files.createDirectories(SCREENSHOTS);
        prefix = info.getTestMethod().orElseThrow().getName();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        context.addInitScript(STATUS_RECORDER);
        page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                consoleErrors.add(m.text());
            }
        });
        page.onPageError(consoleErrors::add);
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

    @Test
    void deploysThroughTheWizardTriesItAndUndeploys() {
        page.navigate(url("deploy/model"));

        // 1. model: validation as you type, then the live preflight
        Locator modelId = page.getByLabel("Model id", EXACT);
        modelId.fill("not a model id");
        assertThat(page.getByTestId("model-id-feedback")).containsText("exactly one “/”");
        assertThat(page.getByTestId("wizard-next")).isDisabled();
        modelId.fill(TinyHubResource.MODEL_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        assertThat(page.getByTestId("preflight-result")).containsText("DistilBertForSequenceClassification");
        shot("1-model");
        assertFitsPhone("1-model");
        page.getByTestId("wizard-next").click();

        // 2. hardware
        assertThat(page.getByTestId("step-hardware")).isVisible();
        page.getByRole(AriaRole.RADIO, new Page.GetByRoleOptions().setName(Pattern.compile("^CPU"))).check();
        assertThat(page.getByTestId("memory-estimate")).containsText("PyTorch");
        shot("2-hardware");
        page.getByTestId("wizard-next").click();

        // 3. dependencies
        assertThat(page.getByTestId("file-table")).containsText("model.safetensors");
        assertThat(page.getByTestId("file-table")).containsText("config.json");
        Locator skipped = page.locator("[data-testid=file-row][data-selected=false]");
        assertThat(skipped).hasCount(1);
        assertThat(skipped).containsText(TinyHubResource.SKIPPED_FILE);
        shot("3-dependencies");
        page.getByTestId("wizard-next").click();

        // 4. settings
        Locator deploymentId = page.getByLabel("Deployment id", EXACT);
        assertThat(deploymentId).hasValue("tiny-sentiment");
        deploymentId.fill("E2E");
        assertThat(page.getByTestId("wizard-next")).isDisabled();
        deploymentId.fill("e2e-sentiment");
        assertThat(page.getByLabel("Task", EXACT)).hasValue("text-classification");
        shot("4-settings");
        page.getByTestId("wizard-next").click();

        // 5. summary and deploy
        assertThat(page.getByTestId("summary-curl")).containsText("\"deployment_id\": \"e2e-sentiment\"");
        assertThat(page.getByTestId("summary-curl")).containsText("\"device\": \"cpu\"");
        shot("5-summary");
        page.getByTestId("deploy-button").click();

        // progress: followed over the WebSocket to 100 %, through every stage in order
        page.waitForURL("**/deployments/e2e-sentiment/progress");
        assertThat(page.getByTestId("progress-view")).isVisible();
        shot("6-progress");
        assertThat(page.getByTestId("progress-view")).hasAttribute("data-status", "completed",
                new LocatorAssertions.HasAttributeOptions().setTimeout(DEPLOY_TIMEOUT_MS));
        assertThat(page.getByTestId("progress-percent")).hasText("100 %");
        assertThat(page.getByRole(AriaRole.PROGRESSBAR)).hasAttribute("aria-valuenow", "100");
        for (String stage : STAGES) {
            assertThat(page.getByTestId("stage-" + stage)).hasAttribute("data-state", "done");
        }
        assertStagesInOrder(recordedStatuses());
        shot("7-progress-completed");
        assertFitsPhone("7-progress-completed");

        // try it
        page.getByTestId("open-deployment").click();
        assertThat(page.getByTestId("deployment-detail")).isVisible();
        assertThat(page.getByTestId("status-badge").first()).hasAttribute("data-status", "completed");
        page.getByLabel("Text", EXACT).fill("What a lovely day");
        page.getByTestId("run-inference").click();
        Locator labels = page.getByTestId("classification-result").locator(".score-label");
        assertThat(labels).hasCount(2);
        assertEquals(List.of("NEGATIVE", "POSITIVE"), labels.allTextContents().stream().sorted().toList());
        assertThat(page.getByTestId("inference-time")).containsText("ms");
        assertThat(page.getByTestId("stat-requests")).hasText("1");
        assertThat(page.getByTestId("latency-chart")).isVisible();
        shot("8-try-it");
        assertFitsPhone("8-try-it");

        // the dashboard lists it
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("All deployments").setExact(false)).first().click();
        Locator row = page.getByTestId("deployment-row-e2e-sentiment");
        assertThat(row).containsText(TinyHubResource.MODEL_ID);
        assertThat(row.getByTestId("status-badge")).hasAttribute("data-status", "completed");
        shot("9-dashboard");
        assertFitsPhone("9-dashboard");

        // undeploy
        row.getByRole(AriaRole.LINK).click();
        page.getByTestId("undeploy").click();
        page.getByTestId("confirm-undeploy").click();
        page.waitForURL("**/deployments");
        assertThat(page.locator("[data-testid=deployment-row-e2e-sentiment] [data-status=completed]")).hasCount(0);
        shot("10-undeployed");
        int status = given().get("/api/v1/deployments/e2e-sentiment").then().extract().statusCode();
        if (status == 200) {
            String after = given().get("/api/v1/deployments/e2e-sentiment").then().extract().path("status");
            assertTrue(List.of("stopped", "cancelled").contains(after), "after undeploy: " + after);
        } else {
            assertEquals(404, status);
        }

        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    @Test
    void unknownModelShowsItsError() {
        // the wizard says so before anything is deployed
        page.navigate(url("deploy/model"));
        page.getByLabel("Model id", EXACT).fill("tiny-org/does-not-exist");
        assertThat(page.getByTestId("preflight-error")).containsText("MODEL_NOT_FOUND");
        assertThat(page.getByTestId("wizard-next")).isDisabled();
        shot("1-preflight-not-found");

        // a deployment requested anyway (as with curl) fails at validating and the progress view says why
        given().contentType("application/json")
                .body("{\"model_id\": \"tiny-org/does-not-exist\", \"deployment_id\": \"e2e-missing\"}")
                .post("/api/v1/deploy")
                .then().statusCode(202);
        page.navigate(url("deployments/e2e-missing/progress"));
        assertThat(page.getByTestId("progress-view")).hasAttribute("data-status", "failed");
        assertThat(page.getByTestId("error-code")).hasText("MODEL_NOT_FOUND");
        assertThat(page.getByTestId("progress-error")).containsText("What to do");
        assertThat(page.getByTestId("stage-validating")).hasAttribute("data-state", "failed");
        assertThat(page.getByTestId("stage-completed")).hasAttribute("data-state", "pending");
        shot("2-progress-failed");

        page.navigate(url("deployments/e2e-missing"));
        assertThat(page.getByTestId("deployment-error")).containsText("MODEL_NOT_FOUND");
        shot("3-detail-failed");
        assertThat(page.getByTestId("usage-examples")).hasCount(0);
        page.getByTestId("deploy-again").click();
        assertThat(page.getByLabel("Model id", EXACT)).hasValue("tiny-org/does-not-exist");
        assertThat(page.getByTestId("preflight-error")).containsText("MODEL_NOT_FOUND");
        given().delete("/api/v1/deployments/e2e-missing").then().statusCode(200);

        // the only console errors are the browser's notes of the expected 404 answers
        assertFalse(consoleErrors.stream().anyMatch(e -> !e.contains("404")), "console: " + consoleErrors);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        TinyHubResource.NER_ID + ", token-classification, entities-result",
        TinyHubResource.MLM_ID + ", fill-mask, fill-mask-result",
        TinyHubResource.QA_ID + ", question-answering, qa-result",
        TinyHubResource.ENCODER_ID + ", sentence-similarity, similarity-result",
        TinyHubResource.ENCODER_ID + ", feature-extraction, embedding-result",
    })
    void tryItPanelShowsEachTasksResult(String modelId, String task, String resultTestId) {
        String id = "e2e-" + task;
        given().contentType("application/json")
                .body(Map.of("model_id", modelId, "deployment_id", id, "task", task))
                .post("/api/v1/deploy")
                .then().statusCode(202);
        page.navigate(url("deployments/" + id));
        assertThat(page.getByTestId("status-badge").first()).hasAttribute("data-status", "completed",
                new LocatorAssertions.HasAttributeOptions().setTimeout(DEPLOY_TIMEOUT_MS));
        page.getByTestId("run-inference").click();
        Locator result = page.getByTestId(resultTestId);
        assertThat(result).isVisible();
        switch (task) {
            case "fill-mask" -> assertThat(result.getByRole(AriaRole.LISTITEM)).hasCount(5);
            case "question-answering" -> assertThat(result.locator("mark.answer")).hasCount(1);
            case "sentence-similarity" -> assertThat(result.getByRole(AriaRole.LISTITEM)).hasCount(3);
            case "feature-extraction" -> assertThat(result).containsText("dimensions");
            default -> assertThat(result.locator(".entity-text")).containsText("Berkeley");
        }
        assertThat(page.getByTestId("inference-error")).hasCount(0);
        shot(task);
        given().delete("/api/v1/deployments/" + id).then().statusCode(200);
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + "/" + path;
    }

    /** At phone width the page scrolls only vertically; a screenshot shows how it looks there. */
    private void assertFitsPhone(String name) {
        page.setViewportSize(390, 844);
        Object overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        shot("phone-" + name);
        page.setViewportSize(1280, 900);
        assertEquals(0, ((Number) overflow).intValue(), "horizontal overflow at 390 px on " + name);
    }

    private void shot(String name) {
        // from the top, so the sticky header is not drawn over the middle of a full-page image
        page.evaluate("window.scrollTo(0, 0)");
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(prefix + "-" + name + ".png"))
                .setFullPage(true));
    }

    @SuppressWarnings("unchecked")
    private List<String> recordedStatuses() {
        return (List<String>) page.evaluate("window.__statuses");
    }

    /** What the view showed never went back a stage and ended at completed. */
    private static void assertStagesInOrder(List<String> seen) {
        assertFalse(seen.isEmpty(), "the progress view showed no status");
        assertEquals("completed", seen.get(seen.size() - 1), "statuses seen: " + seen);
        int last = -1;
        for (String s : seen) {
            int i = STAGES.indexOf(s);
            assertTrue(i >= last, "went back from " + STAGES.get(Math.max(last, 0)) + " to " + s + " in " + seen);
            last = i;
        }
    }
}
