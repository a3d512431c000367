package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How requests merge into one pipeline call and how its outputs go back to each request. */
class BatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InferenceInput input(String json) {
        try {
            return InferenceInput.parse(JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void mergeConcatenatesTextsInOrderAndSplitGivesEachRequestItsOwnPart() throws Exception {
        List<InferenceInput> members = List.of(input("{\"inputs\": \"a\"}"), input("{\"inputs\": [\"b\", \"c\"]}"),
                input("{\"text\": \"d\"}"), input("{\"texts\": [\"e\"]}"));
        assertEquals(tree("[\"a\", \"b\", \"c\", \"d\", \"e\"]"), Batch.merge(members));

        // a pipeline answers one output per text; each output here is itself a list, as classification's are
        JsonNode merged = tree("[[{\"label\":\"A\"}], [{\"label\":\"B\"}], [{\"label\":\"C\"}], [{\"label\":\"D\"}], [{\"label\":\"E\"}]]");
        List<JsonNode> parts = Batch.split(merged, members);
        assertEquals(tree("[{\"label\":\"A\"}]"), parts.get(0), "a single string gets its element, not a list of one");
        assertEquals(tree("[[{\"label\":\"B\"}], [{\"label\":\"C\"}]]"), parts.get(1), "a list gets its slice");
        assertEquals(tree("[{\"label\":\"D\"}]"), parts.get(2));
        assertEquals(tree("[[{\"label\":\"E\"}]]"), parts.get(3), "a list of one stays a list");
    }

    @Test
    void textPairsJoinLikeTextsAndOtherObjectsRunAlone() throws Exception {
        InferenceInput rerank = input("{\"inputs\": [{\"text\": \"q\", \"text_pair\": \"a\"}, {\"text\": \"q\", "
                + "\"text_pair\": \"b\"}], \"parameters\": {\"top_k\": null}}");
        Batch batch = new Batch(rerank, 8);
        assertTrue(batch.tryAdd(input("{\"inputs\": {\"text\": \"q2\", \"text_pair\": \"c\"}, \"parameters\": {\"top_k\": null}}")));
        assertTrue(batch.tryAdd(input("{\"inputs\": \"plain\", \"parameters\": {\"top_k\": null}}")));
        assertFalse(batch.tryAdd(input("{\"inputs\": {\"question\": \"q\", \"context\": \"c\"}, \"parameters\": {\"top_k\": null}}")),
                "question answering's object is not a text pair");
        assertFalse(batch.tryAdd(input("{\"inputs\": {\"text\": \"q\", \"text_pair\": \"c\", \"x\": 1}, \"parameters\": {\"top_k\": null}}")));
        assertEquals(4, batch.texts());
        assertEquals(tree("[{\"text\": \"q\", \"text_pair\": \"a\"}, {\"text\": \"q\", \"text_pair\": \"b\"}, "
                + "{\"text\": \"q2\", \"text_pair\": \"c\"}, \"plain\"]"), Batch.merge(batch.members()));
        assertFalse(new Batch(input("{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"b\"]}}"), 8).hasRoom());
    }

    @Test
    void splitRefusesAnOutputThatDoesNotMatchTheTexts() throws Exception {
        List<InferenceInput> members = List.of(input("{\"inputs\": \"a\"}"), input("{\"inputs\": [\"b\", \"c\"]}"));
        assertThrows(IllegalStateException.class, () -> Batch.split(tree("[1, 2]"), members));
        assertThrows(IllegalStateException.class, () -> Batch.split(tree("{\"x\": 1}"), members));
    }

    @Test
    void onlyTextRequestsWithEqualParametersJoinUpToTheTextLimit() {
        Batch batch = new Batch(input("{\"inputs\": \"a\", \"parameters\": {\"top_k\": 2}}"), 4);
        assertFalse(batch.tryAdd(input("{\"inputs\": \"b\"}")), "different parameters run apart");
        assertFalse(batch.tryAdd(input("{\"inputs\": \"b\", \"parameters\": {\"top_k\": 3}}")));
        assertTrue(batch.tryAdd(input("{\"inputs\": \"b\", \"parameters\": {\"top_k\": 2}}")));
        assertFalse(batch.tryAdd(input("{\"inputs\": [\"c\", \"d\", \"e\"], \"parameters\": {\"top_k\": 2}}")),
                "a request's list counts toward the limit");
        assertTrue(batch.tryAdd(input("{\"inputs\": [\"c\", \"d\"], \"parameters\": {\"top_k\": 2}}")));
        assertEquals(4, batch.texts());
        assertFalse(batch.hasRoom());
        assertEquals(3, batch.members().size());
    }

    @Test
    void objectInputsAndMixedListsRunAlone() {
        Batch qa = new Batch(input("{\"inputs\": {\"question\": \"q\", \"context\": \"c\"}}"), 16);
        assertFalse(qa.hasRoom());
        assertFalse(qa.tryAdd(input("{\"inputs\": \"a\"}")));
        Batch text = new Batch(input("{\"inputs\": \"a\"}"), 16);
        assertFalse(text.tryAdd(input("{\"inputs\": {\"question\": \"q\", \"context\": \"c\"}}")));
        assertFalse(text.tryAdd(input("{\"inputs\": [\"a\", 3]}")), "a list with a non-string keeps its own error");
        assertTrue(text.tryAdd(input("{\"inputs\": [\"b\"]}")));
    }

    @Test
    void aLimitOfOneMeansNoBatching() {
        Batch batch = new Batch(input("{\"inputs\": \"a\"}"), 1);
        assertFalse(batch.hasRoom());
        assertFalse(batch.tryAdd(input("{\"inputs\": \"b\"}")));
    }
}
