package dev.modelport.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Keyboard;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The wizard in Chromium, one test per point of issue 15 that concerns it: moving forward by keyboard (1), typing
 * and pasting a model (2), settings checked where they are typed (3), unsupported models (4), the phone layout of
 * its steps (6), and the smaller points (plurals, the Files step, search rows, dark theme).
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class WizardBrowserTest extends BrowserTestBase {

    private Locator modelField() {
        return page.getByRole(AriaRole.COMBOBOX, new Page.GetByRoleOptions().setName("Model").setExact(true));
    }

    private Locator next() {
        return page.getByTestId("wizard-next");
    }

    /** Presses Tab until the element with this test id has the focus; returns how many presses it took. */
    private int tabTo(String testId, int max) {
        int tabs = 0;
        while (!testId.equals(activeTestId()) && tabs < max) {
            page.keyboard().press("Tab");
            tabs++;
        }
        assertEquals(testId, activeTestId(), "Tab never reached " + testId);
        return tabs;
    }

    private void assertStepAnnounced(String path, String title, int number) {
        page.waitForURL("**/deploy/" + path);
        assertEquals("step-title", page.evaluate("document.activeElement.id"), "the focus is on the new step's heading");
        assertThat(page.locator("#step-title")).hasText(title);
        assertThat(page.getByTestId("step-announcement")).hasText("Step " + number + " of 5: " + title);
    }

    /** Point 1: Next in view, few Tabs to it, Enter in the model field, focus and announcement per step, a visible ring. */
    @Test
    void point1KeyboardAloneMovesForward() {
        page.navigate(url("deploy/model"));
        assertThat(modelField()).isFocused();
        assertThat(page.getByTestId("hub-result").first()).isVisible();
        assertTrue(inViewport(next()), "Next is on screen at 1280x900 with the Hub's models listed");

        page.keyboard().type(TinyHubResource.MODEL_ID, new Keyboard.TypeOptions().setDelay(25));
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        assertTrue(inViewport(next()), "Next is still on screen with the preflight shown");
        shots("1-model");

        int tabs = tabTo("wizard-next", 40);
        assertTrue(tabs <= 6, "Tabs from the model field to Next: " + tabs);
        @SuppressWarnings("unchecked")
        Map<String, Object> ring = (Map<String, Object>) page.evaluate("""
                () => { const s = getComputedStyle(document.activeElement);
                        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset),
                                color: s.outlineColor, background: s.backgroundColor,
                                page: getComputedStyle(document.querySelector('.step')).backgroundColor}; }""");
        assertEquals("solid", ring.get("style"), "the primary button shows a focus ring: " + ring);
        assertTrue(((Number) ring.get("width")).doubleValue() >= 2, "a ring at least 2 px wide: " + ring);
        assertTrue(((Number) ring.get("offset")).doubleValue() >= 1, "set off from the button: " + ring);
        assertNotEquals(ring.get("background"), ring.get("color"), "the ring differs from the button: " + ring);
        assertTrue(contrast((String) ring.get("color"), (String) ring.get("page")) >= 3,
                "the ring contrasts 3:1 with what is around it (WCAG focus appearance): " + ring);
        shot("1-next-focused");

        modelField().focus();
        page.keyboard().press("Enter");
        assertStepAnnounced("hardware", "Pick the hardware", 2);
        shots("2-hardware");

        tabTo("wizard-next", 12);
        page.keyboard().press("Enter");
        assertStepAnnounced("files", "Review what gets downloaded", 3);
        shots("3-files");

        page.keyboard().press("Tab");
        tabTo("wizard-next", 12);
        page.keyboard().press("Enter");
        assertStepAnnounced("settings", "Deployment settings", 4);
        page.keyboard().press("Tab");
        assertEquals("deployment-id-input", activeTestId(), "Tab from the heading goes to the first field");
        page.keyboard().press("Control+A");
        page.keyboard().type("kbd-sentiment");
        shots("4-settings");
        page.keyboard().press("Enter");
        assertStepAnnounced("summary", "Review and deploy", 5);
        assertThat(page.getByTestId("summary-curl")).containsText("\"deployment_id\": \"kbd-sentiment\"");
        shots("5-summary");

        tabTo("deploy-button", 12);
        page.keyboard().press("Enter");
        page.waitForURL("**/deployments/kbd-sentiment/progress");
        awaitCompleted(page.getByTestId("progress-view"));
        tabTo("open-deployment", 20);
        page.keyboard().press("Enter");
        assertThat(page.getByTestId("deployment-detail")).isVisible();
        removeApi("kbd-sentiment");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    /** Point 2: a pause while typing shows no error and logs no 404; a pasted huggingface.co link is taken. */
    @Test
    void point2TypingIsNotAnErrorAndLinksWork() {
        page.navigate(url("deploy/model"));
        Locator feedback = page.getByTestId("model-id-feedback");
        modelField().pressSequentially("tiny-org/tiny-sen", new Locator.PressSequentiallyOptions().setDelay(60));
        page.waitForTimeout(1200); // a long pause, well past the search's 300 ms
        assertThat(feedback).containsText("No model named “tiny-org/tiny-sen” on the Hub yet");
        assertThat(feedback).hasClass("field-help");
        assertThat(page.getByTestId("preflight-error")).hasCount(0);
        assertThat(modelField()).not().hasAttribute("aria-invalid", "true");
        shot("paused");
        modelField().pressSequentially("timent", new Locator.PressSequentiallyOptions().setDelay(60));
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        assertEquals(List.of(), consoleErrors, "no 404 while typing: " + consoleErrors);

        modelField().fill("https://huggingface.co/" + TinyHubResource.NER_ID);
        assertThat(modelField()).hasValue(TinyHubResource.NER_ID);
        assertThat(page.getByTestId("preflight-result")).containsText(TinyHubResource.NER_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        modelField().fill("huggingface.co/" + TinyHubResource.QA_ID + "/tree/main");
        assertThat(modelField()).hasValue(TinyHubResource.QA_ID);
        assertThat(page.getByTestId("revision-input")).hasValue("main");
        assertThat(page.getByTestId("preflight-result")).containsText(TinyHubResource.QA_ID);
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");

        // asked for on purpose (Enter), an unknown id is an error, with what to do
        modelField().fill("tiny-org/does-not-exist");
        assertThat(feedback).containsText("No model named");
        modelField().press("Enter");
        assertThat(page.getByTestId("preflight-error")).containsText("MODEL_NOT_FOUND");
        assertThat(page.getByTestId("preflight-error")).containsText("What to do");
        assertThat(next()).isDisabled();
        shots("not-found");
    }

    /** Point 3: a taken id said at the field in plain words, the same memory estimate on both steps, embeddings by default. */
    @Test
    void point3SettingsAreCheckedWhereTyped() {
        deployApi(Map.of("model_id", TinyHubResource.MODEL_ID, "deployment_id", "busy-id"));
        assertEquals("completed", awaitStatus("busy-id", "completed"));

        page.navigate(url("deploy/model"));
        modelField().pressSequentially("minilm", new Locator.PressSequentiallyOptions().setDelay(40));
        Locator minilm = page.locator("[data-testid=hub-result][data-model-id='" + TinyHubResource.MINILM_ID + "']");
        assertThat(minilm.getByTestId("runs-here")).hasText("Runs here");
        assertThat(minilm).containsText("Sentence similarity");
        minilm.click();
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        next().click();

        page.getByRole(AriaRole.RADIO, new Page.GetByRoleOptions().setName("float16").setExact(true)).check();
        String memory = page.getByTestId("memory-need").textContent();
        next().click();
        next().click();

        assertThat(page.getByLabel("Task", EXACT)).hasValue("feature-extraction");
        assertThat(page.getByTestId("task-help")).containsText("Embeddings: one vector per text");
        assertThat(page.getByTestId("task-help")).not().containsText("Override only");
        Locator id = page.getByLabel("Deployment id", EXACT);
        id.fill("busy-id");
        Locator taken = page.getByTestId("deployment-id-taken");
        assertThat(taken).containsText("“busy-id” is already used by the running deployment of " + TinyHubResource.MODEL_ID);
        assertThat(taken).not().containsText("409");
        assertThat(taken).not().containsText("DEPLOYMENT_EXISTS");
        assertThat(next()).isDisabled();
        var field = id.boundingBox();
        var message = taken.boundingBox();
        assertTrue(message.y >= field.y + field.height && message.y - (field.y + field.height) < 40,
                "the message is right under the field");
        shots("settings-taken");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("use busy-id-2")).click();
        assertThat(id).hasValue("busy-id-2");
        assertThat(next()).isEnabled();
        next().click();

        assertThat(page.getByTestId("summary-memory")).hasText(memory);
        assertThat(page.getByTestId("summary")).containsText("Embeddings");
        removeApi("busy-id");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    /** Point 4: an unsupported model names its architecture, says why in one line, and what runs instead. */
    @Test
    void point4UnsupportedModelsReadWell() {
        page.navigate(url("deploy/model"));
        modelField().pressSequentially(TinyHubResource.XLNET_ID, new Locator.PressSequentiallyOptions().setDelay(30));
        Locator row = page.locator("[data-testid=hub-result][data-model-id='" + TinyHubResource.XLNET_ID + "']");
        assertThat(row.getByTestId("runs-here")).hasText("Won’t run here");
        assertThat(row).containsText("XLNetLMHeadModel");

        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "false");
        assertThat(page.getByTestId("preflight-architecture")).hasText("XLNetLMHeadModel");
        Locator reason = page.getByTestId("unsupported-reason");
        assertThat(reason).containsText("XLNetLMHeadModel");
        String text = reason.locator("p").nth(1).textContent();
        assertFalse(text.contains("BertForMaskedLM"), "no wall of class names: " + text);
        assertTrue(text.length() < 160, "one line: " + text);
        List<String> types = given().get("/api/v1/system").then().extract().jsonPath().getList("supported_model_types");
        Locator supported = page.getByTestId("supported-types");
        for (String type : types) {
            assertThat(supported).containsText(type);
        }
        assertTrue(types.containsAll(List.of("llama", "mistral", "qwen2")), types.toString());
        assertThat(next()).isDisabled();
        shots("unsupported");
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    /** Point 6 (wizard part) and the smaller points: the phone layout of the steps, plurals, the Files step, dark. */
    @Test
    void point6WizardFitsAPhoneAndSmallerPoints() {
        page.navigate(url("deploy/model"));
        useWidth(390);
        modelField().fill(TinyHubResource.MINILM_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        @SuppressWarnings("unchecked")
        List<String> wraps = (List<String>) page.evaluate("""
                [...document.querySelectorAll('.hub-id')].map(e => getComputedStyle(e).wordBreak)""");
        assertFalse(wraps.contains("break-all"), "model ids wrap between words, not inside them: " + wraps);
        assertTrue(inViewport(next()), "Next is on screen on a phone");
        shots("model-phone");
        next().click();
        next().click();

        // files: every row shows its action inside the screen, the table does not scroll sideways
        Locator rows = page.getByTestId("file-row");
        for (int i = 0; i < rows.count(); i++) {
            Locator action = rows.nth(i).locator("td").last().locator(".badge");
            assertTrue(inViewport(action) || action.boundingBox().x + action.boundingBox().width <= 390,
                    "row " + i + " shows its action at 390 px");
        }
        assertEquals(0, ((Number) page.evaluate("""
                (() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth; })()""")).intValue(),
                "the file table fits the screen");
        assertThat(page.getByTestId("stepper-files")).containsText("Files");
        assertThat(page.locator(".stepper")).not().containsText("Dependencies");
        shots("files-phone");
        next().click();

        Locator task = page.getByLabel("Task", EXACT);
        for (String value : List.of("feature-extraction", "sentence-similarity")) {
            task.selectOption(value);
            assertEquals(Boolean.TRUE, task.evaluate("""
                    sel => { const c = document.createElement('canvas').getContext('2d'); const s = getComputedStyle(sel);
                             c.font = s.font; const text = sel.options[sel.selectedIndex].text;
                             return c.measureText(text).width <= sel.clientWidth - parseFloat(s.paddingLeft) - 24; }"""),
                    "the task select shows its whole label at 390 px: " + value);
        }
        shots("settings-phone");
        useWidth(1280);

        // plurals on the files step
        page.navigate(url("deploy/model"));
        modelField().fill(TinyHubResource.MODEL_ID);
        assertThat(page.getByTestId("preflight-result")).hasAttribute("data-supported", "true");
        next().click();
        next().click();
        assertThat(page.locator(".stat-note").getByText("1 file", new Locator.GetByTextOptions().setExact(true)))
                .hasCount(1);
        assertThat(page.getByText(Pattern.compile("\\b1 files\\b"))).hasCount(0);

        // dark theme follows the system setting
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        String background = (String) page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        String light = (String) page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
        assertTrue(luminance(background) < 0.1 && luminance(light) > 0.8, "dark " + background + ", light " + light);
        assertEquals(List.of(), consoleErrors, "the browser console stays clean");
    }

    /** WCAG contrast ratio of two CSS rgb() colours. */
    private static double contrast(String a, String b) {
        double la = relative(a);
        double lb = relative(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double relative(String rgb) {
        var m = Pattern.compile("(\\d+)\\D+(\\d+)\\D+(\\d+)").matcher(rgb);
        assertTrue(m.find(), rgb);
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(m.group(i + 1)) / 255.0;
            c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    private static double luminance(String rgb) {
        var m = Pattern.compile("(\\d+)\\D+(\\d+)\\D+(\\d+)").matcher(rgb);
        assertTrue(m.find(), rgb);
        return (0.2126 * Integer.parseInt(m.group(1)) + 0.7152 * Integer.parseInt(m.group(2))
                + 0.0722 * Integer.parseInt(m.group(3))) / 255;
    }
}
