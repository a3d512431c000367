package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Point 5 of issue 15 in Chromium: the progress page replays the history to a late visitor, folds ticks per file and
 * follows the newest line, shows one percentage and the elapsed time, labels failures and cancels truthfully, asks
 * before cancelling, offers "Deploy again" with the same settings, keeps cancelled deployments listed, and shows
 * endpoints as the page reaches them.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class ProgressBrowserTest extends BrowserTestBase {

    private static double progressOf(String id) {
        var r = given().get("/api/v1/deployments/" + id).then().extract();
        return r.statusCode() == 200 ? ((Number) r.path("progress")).doubleValue() : -1;
    }

    @Test
    void point5ALateVisitorSeesTheHistoryCalmlyAndCancelsOnPurpose() throws InterruptedException {
        hubRate(4_000); // a download that lasts while the page is looked at
        deployApi(Map.of("model_id", TinyHubResource.SLOW_ID, "deployment_id", "calm", "task", "token-classification"));
        for (int i = 0; i < 300 && progressOf("calm") < 16; i++) {
            Thread.sleep(100);
        }
        assertTrue(progressOf("calm") >= 16, "the download is under way");

        page.navigate(url("deployments/calm/progress"));
        Locator view = page.getByTestId("progress-view");
        assertThat(view).hasAttribute("data-status", "downloading");
        Locator log = page.getByTestId("progress-log");
        assertThat(log).containsText("initializing");
        assertThat(log).containsText("validating");
        assertThat(page.getByTestId("stage-validating")).hasAttribute("data-state", "done");
        page.waitForTimeout(2500); // more ticks arrive
        @SuppressWarnings("unchecked")
        List<String> files = (List<String>) page.getByTestId("log-file").evaluateAll("els => els.map(e => e.dataset.file)");
        assertFalse(files.isEmpty(), "the download is in the log");
        assertEquals(new HashSet<>(files).size(), files.size(), "one line per file: " + files);
        assertTrue(page.getByTestId("log-file").count() + page.getByTestId("log-stage").count() < 12,
                "a short log, not one line per chunk");
        assertEquals(Boolean.TRUE, log.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight < 2"),
                "the log shows its newest line");
        assertThat(view.getByText(Pattern.compile("^\\d+ %$"))).hasCount(1);
        assertThat(page.getByTestId("elapsed")).containsText(Pattern.compile("elapsed \\d+:\\d\\d"));
        assertThat(page.getByTestId("download-stats")).not().containsText("%");
        shots("downloading");

        Locator cancel = page.getByTestId("cancel-deployment");
        assertThat(cancel).not().hasClass(Pattern.compile("danger"));
        cancel.click();
        assertThat(page.getByTestId("cancel-confirm")).isVisible();
        assertEquals("downloading", given().get("/api/v1/deployments/calm").then().extract().path("status"),
                "one click does not cancel");
        assertThat(page.getByTestId("confirm-cancel")).not().hasClass(Pattern.compile("danger"));
        shots("cancel-confirm");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Keep deploying")).click();
        assertThat(page.getByTestId("cancel-confirm")).hasCount(0);
        cancel.click();
        page.getByTestId("confirm-cancel").click();

        assertThat(view).hasAttribute("data-status", "cancelled");
        assertThat(page.getByTestId("progress-error")).hasClass(Pattern.compile("callout-muted"));
        assertThat(page.getByTestId("stage-downloading")).hasAttribute("data-state", "cancelled");
        assertThat(page.getByTestId("stage-completed")).hasAttribute("data-state", "skipped");
        assertThat(page.getByTestId("stage-completed")).containsText("Not reached");
        assertThat(page.getByTestId("connection-state")).hasCount(0);
        assertThat(view).not().containsText("Finished");
        assertThat(page.getByTestId("elapsed")).containsText("took");
        hubRate(TinyHubResource.HUB_BYTES_PER_SECOND);
        shots("cancelled");

        page.navigate(url("deployments"));
        assertThat(page.getByTestId("deployment-row-calm").getByTestId("status-badge")).hasAttribute("data-status", "cancelled");
        shots("dashboard-with-cancelled");

        page.navigate(url("deployments/calm/progress"));
        page.getByTestId("deploy-again").click();
        page.waitForURL("**/deploy/model");
        assertThat(page.getByTestId("model-id-input")).hasValue(TinyHubResource.SLOW_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        page.getByTestId("stepper-settings").click();
        assertThat(page.getByLabel("Deployment id", EXACT)).hasValue("calm");
        assertThat(page.getByLabel("Task", EXACT)).hasValue("token-classification");
        assertThat(page.getByTestId("deployment-id-replaces")).containsText("Replaces the cancelled deployment");
        removeApi("calm");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    @Test
    void point5AFailureIsLabelledAsOneAndOffersNoEndpoint() {
        deployApi(Map.of("model_id", TinyHubResource.XLNET_ID, "deployment_id", "doomed"));
        assertEquals("failed", awaitStatus("doomed", "failed"));
        page.navigate(url("deployments/doomed/progress"));
        Locator view = page.getByTestId("progress-view");
        assertThat(view).hasAttribute("data-status", "failed");
        assertThat(page.getByTestId("error-code")).hasText("UNSUPPORTED_ARCHITECTURE");
        assertThat(page.getByTestId("stage-validating")).hasAttribute("data-state", "failed");
        assertThat(page.getByTestId("stage-validating")).containsText("Failed here");
        assertThat(page.getByTestId("stage-completed")).hasAttribute("data-state", "skipped");
        assertThat(page.getByTestId("connection-state")).hasCount(0);
        assertThat(view).not().containsText("Finished");
        assertThat(page.getByTestId("error-message")).not().containsText("BertForMaskedLM");
        assertThat(page.getByTestId("progress-log")).containsText("initializing");
        shots("failed");

        page.navigate(url("deployments/doomed"));
        assertThat(page.getByTestId("deployment-error")).containsText("UNSUPPORTED_ARCHITECTURE");
        assertThat(page.getByTestId("inference-url")).hasCount(0);
        assertThat(page.getByLabel("Copy inference URL")).hasCount(0);
        assertThat(page.getByTestId("no-endpoint")).containsText("Not serving");
        assertThat(page.getByTestId("usage-examples")).hasCount(0);
        shots("detail-failed");
        page.getByTestId("deploy-again").click();
        assertThat(page.getByTestId("model-id-input")).hasValue(TinyHubResource.XLNET_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "false");
        removeApi("doomed");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    @Test
    void point5EndpointsAndExamplesUseTheHostThePageCameFrom() {
        deployApi(Map.of("model_id", TinyHubResource.MODEL_ID, "deployment_id", "own-port", "dedicated_port", true));
        assertEquals("completed", awaitStatus("own-port", "completed"));
        page.navigate(remoteUrl("deployments/own-port"));
        assertThat(page.getByTestId("endpoint")).hasText(Pattern.compile("^http://" + REMOTE_HOST.replace(".", "\\.")
                + ":189[56]\\d/predict$"));
        assertThat(page.getByTestId("inference-url")).hasText("http://" + REMOTE_HOST + ":" + base.getPort()
                + "/api/v1/deployments/own-port/inference");
        Locator curl = page.getByTestId("usage-curl");
        assertThat(curl).containsText("http://" + REMOTE_HOST + ":189");
        assertThat(curl).not().containsText("localhost");
        page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Python")).click();
        assertThat(page.getByTestId("usage-python")).containsText("http://" + REMOTE_HOST + ":189");
        shots("detail-from-another-machine");
        removeApi("own-port");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }
}
