package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.pipeline.EntityAggregator.Entity;
import dev.modelport.pipeline.EntityAggregator.Token;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * transformers' aggregation strategies on a crafted WordPiece example:
 * "John Smithson lives in Paris" → [CLS] john smith ##son lives in paris [SEP]. Words are the
 * tokens decoded by the tokenizer's decoder, as transformers gives them (lower case here).
 */
class EntityAggregatorTest {
    private static final String TEXT = "John Smithson lives in Paris";
    private static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");
    private static final Set<String> O = Set.of("O");

    private static Labels labels() {
        ObjectNode config = Json.object();
        ObjectNode id2label = config.putObject("id2label");
        for (int i = 0; i < LABELS.size(); i++) {
            id2label.put(Integer.toString(i), LABELS.get(i));
        }
        return Labels.of(config, LABELS.size());
    }

    /** Logits with {@code high} at the label's position, 0 elsewhere. */
    private static float[] peak(String label, float high) {
        float[] logits = new float[LABELS.size()];
        logits[LABELS.indexOf(label)] = high;
        return logits;
    }

    /** softmax probability of the peak for logits {high, 0, 0, 0, 0}. */
    private static double p(float high) {
        return Math.exp(high) / (Math.exp(high) + LABELS.size() - 1);
    }

    private static List<Token> tokens(float[] sonLogits) {
        List<Token> t = new ArrayList<>();
        t.add(new Token("[CLS]", 0, 0, 0, true, false, peak("O", 9)));
        t.add(new Token("john", 0, 4, 1, false, false, peak("B-PER", 4)));
        t.add(new Token("smith", 5, 10, 2, false, false, peak("I-PER", 3)));
        t.add(new Token("##son", 10, 13, 3, false, false, sonLogits));
        t.add(new Token("lives", 14, 19, 4, false, false, peak("O", 5)));
        t.add(new Token("in", 20, 22, 5, false, false, peak("O", 5)));
        t.add(new Token("paris", 23, 28, 6, false, false, peak("B-LOC", 2)));
        t.add(new Token("[SEP]", 0, 0, 7, true, false, peak("O", 9)));
        return t;
    }

    private static TokenDecoder decoder(String type) {
        ObjectNode tokenizer = Json.object();
        tokenizer.putObject("decoder").put("type", type);
        return TokenDecoder.of(tokenizer);
    }

    private final EntityAggregator wordPiece = new EntityAggregator(labels(), "##", decoder("WordPiece"));

    @Test
    void noneGivesEveryNonOTokenWithItsIndex() {
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(peak("O", 6)), "none", O);
        assertEquals(3, out.size());
        assertEntity(out.get(0), "B-PER", p(4), "john", 0, 4);
        assertEquals(1, out.get(0).index());
        assertEntity(out.get(1), "I-PER", p(3), "smith", 5, 10);
        assertEquals(2, out.get(1).index());
        assertEntity(out.get(2), "B-LOC", p(2), "paris", 23, 28);
        assertEquals(6, out.get(2).index());
        assertFalse(out.get(0).grouped());
    }

    @Test
    void simpleGroupsBIRunsWithTheMeanScoreAndTheDecodedTokens() {
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(peak("O", 6)), "simple", O);
        assertEquals(2, out.size());
        // ##son is "O": the PER group ends at "Smith"
        assertEntity(out.get(0), "PER", (p(4) + p(3)) / 2, "john smith", 0, 10);
        assertNull(out.get(0).index());
        assertEntity(out.get(1), "LOC", p(2), "paris", 23, 28);
    }

    @Test
    void firstTakesTheFirstPiecesLabelForTheWholeWord() {
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(peak("O", 6)), "first", O);
        assertEquals(2, out.size());
        assertEntity(out.get(0), "PER", (p(4) + p(3)) / 2, "john smithson", 0, 13);
        assertEntity(out.get(1), "LOC", p(2), "paris", 23, 28);
    }

    @Test
    void maxTakesThePieceWithTheHighestScore() {
        // ##son's "O" (6) beats smith's I-PER (3): the word becomes O and splits the group
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(peak("O", 6)), "max", O);
        assertEquals(2, out.size());
        assertEntity(out.get(0), "PER", p(4), "john", 0, 4);
        assertEntity(out.get(1), "LOC", p(2), "paris", 23, 28);
    }

    @Test
    void averageAveragesTheProbabilitiesOfThePieces() {
        float[] son = peak("I-PER", 1);
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(son), "average", O);
        double iPer = (p(3) + p(1)) / 2;
        assertEquals(2, out.size());
        assertEntity(out.get(0), "PER", (p(4) + iPer) / 2, "john smithson", 0, 13);
    }

    @Test
    void twoBTagsInARowStartTwoGroups() {
        List<Token> t = tokens(peak("O", 6));
        t.set(2, new Token("smith", 5, 10, 2, false, false, peak("B-PER", 3)));
        List<Entity> out = wordPiece.aggregate(TEXT, t, "simple", O);
        assertEquals(List.of("john", "smith", "paris"), out.stream().map(Entity::word).toList());
    }

    @Test
    void ignoreLabelsFiltersGroupNames() {
        List<Entity> out = wordPiece.aggregate(TEXT, tokens(peak("O", 6)), "simple", Set.of("O", "LOC"));
        assertEquals(List.of("PER"), out.stream().map(Entity::label).toList());
    }

    @Test
    void withoutASubwordPrefixWordsComeFromSpacesInTheText() {
        // byte-level BPE: "Smithson" as "Smith" + "son" with no prefix; the text has no space before "son"
        EntityAggregator byteLevel = new EntityAggregator(labels(), null, decoder("ByteLevel"));
        List<Token> t = tokens(peak("O", 6));
        t.set(1, new Token("John", 0, 4, 1, false, false, peak("B-PER", 4)));
        t.set(2, new Token("ĠSmith", 5, 10, 2, false, false, peak("I-PER", 3)));
        t.set(3, new Token("son", 10, 13, 3, false, false, peak("O", 6)));
        List<Entity> out = byteLevel.aggregate(TEXT, t, "first", O);
        assertEntity(out.get(0), "PER", (p(4) + p(3)) / 2, "John Smithson", 0, 13);
    }

    private static void assertEntity(Entity e, String label, double score, String word, int start, int end) {
        assertEquals(label, e.label());
        assertEquals(score, e.score(), 1e-9);
        assertEquals(word, e.word());
        assertEquals(start, e.start());
        assertEquals(end, e.end());
    }

    @Test
    void bytePiecesOfOneCharacterEachStartAWordAsInTransformersHeuristic() {
        // byte-level BPE on "Hi 😀": "Hi", a bare "Ġ" (empty span), then four byte pieces sharing the
        // emoji's span, which is 3..4 in code points; a space touches that start, so each piece starts
        // a "word" of its own, decoded alone to U+FFFD (transformers' fallback heuristic does the same)
        String text = "Hi 😀";
        EntityAggregator byteLevel = new EntityAggregator(labels(), null, decoder("ByteLevel"));
        List<Token> t = List.of(
                new Token("Hi", 0, 2, 1, false, false, peak("O", 3)),
                new Token("Ġ", 3, 3, 2, false, false, peak("B-LOC", 3)),
                new Token("ð", 3, 4, 3, false, false, peak("B-LOC", 2)),
                new Token("Ł", 3, 4, 4, false, false, peak("I-LOC", 2)),
                new Token("ĺ", 3, 4, 5, false, false, peak("O", 2)),
                new Token("Ģ", 3, 4, 6, false, false, peak("I-PER", 2)));
        List<Entity> out = byteLevel.aggregate(text, t, "first", O);
        assertEquals(List.of(" ", "\uFFFD\uFFFD", "\uFFFD"), out.stream().map(Entity::word).toList());
        assertEquals(List.of("LOC", "LOC", "PER"), out.stream().map(Entity::label).toList());
        assertEquals(3, out.get(1).start());
        assertEquals(4, out.get(1).end());
        assertEquals(p(2), out.get(1).score(), 1e-9);
    }
}
