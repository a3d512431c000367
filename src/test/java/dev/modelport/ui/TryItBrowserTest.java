package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The detail page's try-it panels in Chromium: generation with sampling controls, token counts, speed and finish
 * reason, and a chat through the model's chat template (point 7); copy buttons for outputs and vectors, a one-request
 * latency chart, the "Use it" block on a phone (point 6); and a result for every encoder task.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class TryItBrowserTest extends BrowserTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private void openReady(String id) {
        page.navigate(url("deployments/" + id));
        assertThat(page.getByTestId("status-badge").first()).hasAttribute("data-status", "completed",
                new LocatorAssertions.HasAttributeOptions().setTimeout(DEPLOY_TIMEOUT_MS));
    }

    private String clipboard() {
        return (String) page.evaluate("navigator.clipboard.readText()");
    }

    /** Point 7: chat through the chat template, then plain completion with sampling controls; counts, speed, finish. */
    @Test
    void point7GenerationHasControlsStatsAndChat() {
        deployApi(Map.of("model_id", TinyHubResource.CHAT_ID, "deployment_id", "chatty"));
        openReady("chatty");
        assertThat(page.getByRole(AriaRole.RADIO, new Page.GetByRoleOptions().setName("Chat"))).isChecked();
        page.getByLabel("Temperature").press("Home"); // 0: greedy
        assertThat(page.getByText("0 = greedy")).isVisible();
        Locator message = page.getByTestId("chat-input");
        message.fill("Hello there");
        message.press("Enter");
        assertThat(page.getByTestId("send-chat")).hasText("Send", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.getByTestId("chat-user")).hasText(Pattern.compile("Hello there"));
        assertThat(page.getByTestId("chat-assistant")).not().hasText(Pattern.compile("^\\s*Model\\s*$"));
        assertThat(page.getByTestId("generated-tokens")).hasText(Pattern.compile("^[1-9]\\d*$"));
        assertThat(page.getByTestId("prompt-tokens")).hasText(Pattern.compile("^\\d+ tokens$"));
        assertThat(page.getByTestId("finish-reason")).hasAttribute("data-reason", Pattern.compile("^(stop|length)$"));
        assertThat(page.getByTestId("tokens-per-second")).hasText(Pattern.compile("tokens/s$"));
        shots("chat");

        page.getByRole(AriaRole.RADIO, new Page.GetByRoleOptions().setName("Complete text")).check();
        page.getByLabel("Max new tokens").fill("6");
        page.getByLabel("Stop sequences").fill("");
        page.getByTestId("run-inference").click();
        assertThat(page.getByTestId("run-inference")).hasText("Generate", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.getByTestId("generation-output")).isVisible();
        assertThat(page.getByTestId("finish-reason")).hasAttribute("data-reason", Pattern.compile("^(length|eos_token)$"));
        String reason = page.getByTestId("finish-reason").getAttribute("data-reason");
        if (reason.equals("length")) {
            assertThat(page.getByTestId("generated-tokens")).hasText("6");
        }
        assertThat(page.getByTestId("prompt-tokens")).isVisible();
        assertThat(page.getByTestId("tokens-per-second")).hasText(Pattern.compile("tokens/s$"));
        page.getByLabel("Copy generated text").click();
        assertTrue(clipboard().length() >= 0);
        shots("complete-text");
        removeApi("chatty");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    /** Point 6 (detail part) and smaller points: copy buttons, a lone latency sample, "Use it" on a phone. */
    @Test
    void point6DetailPageCopiesAndFitsAPhone() throws Exception {
        deployApi(Map.of("model_id", TinyHubResource.ENCODER_ID, "deployment_id", "vectors", "task", "feature-extraction"));
        openReady("vectors");
        page.getByTestId("run-inference").click();
        Locator result = page.getByTestId("embedding-result");
        assertThat(result).containsText("dimensions");
        result.getByLabel(Pattern.compile("^Copy the \\d+-dimensional vector$")).click();
        JsonNode vector = JSON.readTree(clipboard());
        assertTrue(vector.isArray() && vector.size() > 8, "the whole vector is copied: " + vector);
        page.getByLabel("Copy the result as JSON").click();
        assertTrue(JSON.readTree(clipboard()).isArray());

        // one request: a level line and the value in the middle, not a dot at the right edge
        Locator single = page.getByTestId("latency-single");
        assertThat(single).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(10_000));
        Locator chart = page.getByTestId("latency-chart");
        var box = chart.boundingBox();
        var dot = chart.locator("circle").boundingBox();
        double middle = box.x + box.width / 2;
        assertTrue(Math.abs(dot.x + dot.width / 2 - middle) < box.width * 0.15, "the lone sample sits in the middle");

        useWidth(390);
        Locator copy = page.getByTestId("usage-examples").getByTestId("copy-button");
        copy.scrollIntoViewIfNeeded();
        assertThat(copy).hasText("Copy");
        assertEquals(Boolean.TRUE, copy.evaluate("b => b.scrollWidth <= b.clientWidth"), "Copy is not cut");
        assertTrue(inViewport(copy), "Copy is inside the screen");
        useWidth(1280);
        shots("embedding");
        removeApi("vectors");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        TinyHubResource.MODEL_ID + ", text-classification, classification-result",
        TinyHubResource.NER_ID + ", token-classification, entities-result",
        TinyHubResource.MLM_ID + ", fill-mask, fill-mask-result",
        TinyHubResource.QA_ID + ", question-answering, qa-result",
        TinyHubResource.ENCODER_ID + ", sentence-similarity, similarity-result",
    })
    void tryItPanelShowsEachTasksResult(String modelId, String task, String resultTestId) {
        prefix += "-" + task;
        String id = "e2e-" + task;
        deployApi(Map.of("model_id", modelId, "deployment_id", id, "task", task));
        openReady(id);
        page.getByTestId("run-inference").click();
        Locator result = page.getByTestId(resultTestId);
        assertThat(result).isVisible();
        switch (task) {
            case "fill-mask" -> assertThat(result.getByRole(AriaRole.LISTITEM)).hasCount(5);
            case "question-answering" -> assertThat(result.locator("mark.answer")).hasCount(1);
            case "sentence-similarity" -> assertThat(result.getByRole(AriaRole.LISTITEM)).hasCount(3);
            case "text-classification" -> assertThat(result.locator(".score-label")).hasCount(2);
            default -> assertThat(result.locator(".entity-text")).containsText("Berkeley");
        }
        assertThat(page.getByTestId("inference-error")).hasCount(0);
        assertThat(page.getByTestId("inference-time")).containsText("ms");
        assertThat(page.getByTestId("stat-requests")).hasText("1");
        shots("result");
        removeApi(id);
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }
}
