package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15's "done means", at 1280 and at 390 px: find MiniLM by searching the Hub, deploy it with the defaults
 * (which give embeddings), watch the progress, try it; deploy a generation model and chat with it; cancel one
 * deployment; undeploy one; and the browser console stays clean throughout.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class JourneyBrowserTest extends BrowserTestBase {

    private Locator modelField() {
        return page.getByRole(AriaRole.COMBOBOX, new Page.GetByRoleOptions().setName("Model").setExact(true));
    }

    /** From the model step through the defaults to Deploy; returns the deployment id the wizard proposed. */
    private String deployWithDefaults(String search, String modelId, String expectTask) {
        page.navigate(url("deploy/model"));
        modelField().pressSequentially(search, new Locator.PressSequentiallyOptions().setDelay(40));
        Locator hit = page.locator("[data-testid=hub-result][data-model-id='" + modelId + "']");
        assertThat(hit.getByTestId("runs-here")).hasText("Runs here");
        hit.click();
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        shots("model-" + expectTask);
        page.getByTestId("wizard-next").click();
        page.getByTestId("wizard-next").click();
        page.getByTestId("wizard-next").click();
        assertThat(page.getByLabel("Task", EXACT)).hasValue(expectTask);
        String id = page.getByLabel("Deployment id", EXACT).inputValue();
        page.getByTestId("wizard-next").click();
        shots("summary-" + expectTask);
        page.getByTestId("deploy-button").click();
        page.waitForURL("**/deployments/" + id + "/progress");
        return id;
    }

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {1280, 390})
    void journey(int w) {
        prefix += "-" + w;
        useWidth(w);
        hubRate(0); // the real MiniLM is 90 MB: no throttle for it

        // 1. find MiniLM, deploy it with the defaults: embeddings
        String minilm = deployWithDefaults("minilm", TinyHubResource.MINILM_ID, "feature-extraction");
        Locator view = page.getByTestId("progress-view");
        assertThat(view).isVisible();
        shots("progress");
        awaitCompleted(view);
        assertThat(page.getByTestId("progress-percent")).hasText("100 %");
        shots("progress-completed");
        page.getByTestId("open-deployment").click();
        page.getByTestId("run-inference").click();
        assertThat(page.getByTestId("embedding-result")).containsText("384");
        shots("minilm-try-it");

        // 2. a generation model, and a chat with it
        hubRate(TinyHubResource.HUB_BYTES_PER_SECOND);
        String chat = deployWithDefaults("qwen2", TinyHubResource.CHAT_ID, "text-generation");
        awaitCompleted(page.getByTestId("progress-view"));
        page.getByTestId("open-deployment").click();
        assertThat(page.getByRole(AriaRole.RADIO, new Page.GetByRoleOptions().setName("Chat"))).isChecked();
        page.getByTestId("chat-input").fill("Hi! Who are you?");
        page.getByTestId("send-chat").click();
        assertThat(page.getByTestId("send-chat")).hasText("Send", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.getByTestId("chat-assistant")).hasCount(1);
        assertThat(page.getByTestId("finish-reason")).hasAttribute("data-reason", Pattern.compile("^(stop|length)$"));
        shots("chat");

        // 3. cancel one, on purpose
        hubRate(4_000);
        String slow = "slow-" + w;
        given().contentType("application/json")
                .body(Map.of("model_id", TinyHubResource.SLOW_ID, "deployment_id", slow)).post("/api/v1/deploy")
                .then().statusCode(202);
        page.navigate(url("deployments/" + slow + "/progress"));
        assertThat(page.getByTestId("progress-view")).hasAttribute("data-status", "downloading");
        page.getByTestId("cancel-deployment").click();
        page.getByTestId("confirm-cancel").click();
        assertThat(page.getByTestId("progress-view")).hasAttribute("data-status", "cancelled");
        hubRate(TinyHubResource.HUB_BYTES_PER_SECOND);

        // 4. the dashboard, then undeploy MiniLM from its page
        page.navigate(url("deployments"));
        assertThat(page.getByTestId("deployment-row-" + minilm).getByTestId("status-badge")).hasAttribute("data-status", "completed");
        assertThat(page.getByTestId("deployment-row-" + chat).getByTestId("status-badge")).hasAttribute("data-status", "completed");
        assertThat(page.getByTestId("deployment-row-" + slow).getByTestId("status-badge")).hasAttribute("data-status", "cancelled");
        shots("dashboard");
        page.getByTestId("deployment-row-" + minilm).getByRole(AriaRole.LINK).click();
        page.getByTestId("undeploy").click();
        page.getByTestId("confirm-undeploy").click();
        page.waitForURL("**/deployments");
        assertThat(page.getByTestId("deployment-row-" + minilm)).hasCount(0);
        assertEquals(404, given().get("/api/v1/deployments/" + minilm).then().extract().statusCode());

        removeApi(chat);
        removeApi(slow);
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
        assertTrue(w == 1280 || w == 390);
    }
}
