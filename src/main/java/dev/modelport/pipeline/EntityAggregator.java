package dev.modelport.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * transformers' token-classification post-processing ({@code TokenClassificationPipeline}'s
 * {@code gather_pre_entities}, {@code aggregate}, {@code aggregate_words}, {@code group_entities}):
 * per-token softmax, word fusion for {@code first|average|max}, B-/I- grouping for every strategy
 * but {@code none}, then label filtering. {@code word} is what transformers gives: the token itself
 * for {@code none} and {@code simple}'s tokens, and the tokenizer's decoding of the pieces for a
 * fused word and for a group ({@code convert_tokens_to_string}). So an uncased model's words are
 * lower-cased, a byte-level one's keep their leading space (" lives"), and a piece holding part of
 * a character's UTF-8 bytes decodes to U+FFFD. Offsets are code points, as the tokenizer gives them.
 */
final class EntityAggregator {
    static final Set<String> STRATEGIES = Set.of("none", "simple", "first", "average", "max");

    /** One token as the aggregation sees it; {@code start}/{@code end} in code points. */
    record Token(String text, int start, int end, int index, boolean isSpecial, boolean isUnknown, float[] logits) {
    }

    /** An output entity; {@code index} is null for grouped ones, {@code grouped} picks the key name. */
    record Entity(String label, boolean grouped, double score, Integer index, String word, int start, int end) {
    }

    private record PreEntity(String word, double[] scores, int start, int end, int index, boolean isSubword) {
    }

    private final Labels labels;
    private final String continuingSubwordPrefix;
    private final TokenDecoder decoder;

    /**
     * @param continuingSubwordPrefix the tokenizer model's word-continuation prefix ({@code ##}); null
     *     where it has none (byte-level BPE, SentencePiece), which makes word boundaries come from
     *     spaces in the text, transformers' fallback heuristic
     * @param decoder the tokenizer's decoder, for the words of fused words and groups
     */
    EntityAggregator(Labels labels, String continuingSubwordPrefix, TokenDecoder decoder) {
        this.labels = labels;
        this.continuingSubwordPrefix = continuingSubwordPrefix;
        this.decoder = decoder;
    }

    List<Entity> aggregate(String text, List<Token> tokens, String strategy, Set<String> ignoreLabels) {
        List<PreEntity> pre = gather(new CodePointText(text), tokens);
        List<Entity> entities;
        if (strategy.equals("none") || strategy.equals("simple")) {
            entities = new ArrayList<>();
            for (PreEntity p : pre) {
                int best = Activations.argmax(p.scores());
                entities.add(new Entity(labels.name(best), false, p.scores()[best], p.index(), p.word(), p.start(), p.end()));
            }
        } else {
            entities = aggregateWords(pre, strategy);
        }
        if (!strategy.equals("none")) {
            entities = groupEntities(entities);
        }
        List<Entity> kept = new ArrayList<>();
        for (Entity e : entities) {
            if (!ignoreLabels.contains(e.label())) {
                kept.add(e);
            }
        }
        return kept;
    }

    private List<PreEntity> gather(CodePointText text, List<Token> tokens) {
        List<PreEntity> pre = new ArrayList<>();
        for (Token token : tokens) {
            if (token.isSpecial()) {
                continue;
            }
            String word = token.text();
            String wordRef = text.slice(token.start(), token.end());
            boolean isSubword;
            if (continuingSubwordPrefix != null) {
                // a word-aware tokenizer: a piece whose token is longer than its characters carries the prefix
                isSubword = codePoints(word) != codePoints(wordRef);
            } else {
                // transformers' fallback heuristic: a token continues a word unless a space touches its start
                isSubword = token.start() > 0 && !text.slice(token.start() - 1, token.start() + 1).contains(" ");
            }
            if (token.isUnknown()) {
                word = wordRef;
                isSubword = false;
            }
            pre.add(new PreEntity(word, Activations.softmax(token.logits()), token.start(), token.end(), token.index(),
                    isSubword));
        }
        return pre;
    }

    private List<Entity> aggregateWords(List<PreEntity> pre, String strategy) {
        List<Entity> words = new ArrayList<>();
        List<PreEntity> group = new ArrayList<>();
        for (PreEntity p : pre) {
            if (!group.isEmpty() && !p.isSubword()) {
                words.add(aggregateWord(group, strategy));
                group = new ArrayList<>();
            }
            group.add(p);
        }
        if (!group.isEmpty()) {
            words.add(aggregateWord(group, strategy));
        }
        return words;
    }

    private Entity aggregateWord(List<PreEntity> pieces, String strategy) {
        double[] scores;
        switch (strategy) {
            case "first" -> scores = pieces.getFirst().scores();
            case "max" -> {
                PreEntity best = pieces.getFirst();
                for (PreEntity p : pieces) {
                    if (max(p.scores()) > max(best.scores())) {
                        best = p;
                    }
                }
                scores = best.scores();
            }
            case "average" -> {
                scores = new double[pieces.getFirst().scores().length];
                for (PreEntity p : pieces) {
                    for (int i = 0; i < scores.length; i++) {
                        scores[i] += p.scores()[i] / pieces.size();
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a word strategy: " + strategy);
        }
        int best = Activations.argmax(scores);
        String word = decoder.decode(pieces.stream().map(PreEntity::word).toList());
        return new Entity(labels.name(best), false, scores[best], null, word, pieces.getFirst().start(),
                pieces.getLast().end());
    }

    private List<Entity> groupEntities(List<Entity> entities) {
        List<Entity> groups = new ArrayList<>();
        List<Entity> run = new ArrayList<>();
        for (Entity e : entities) {
            if (run.isEmpty()) {
                run.add(e);
                continue;
            }
            String[] tag = tag(e.label());
            String[] lastTag = tag(run.getLast().label());
            if (tag[1].equals(lastTag[1]) && !tag[0].equals("B")) {
                run.add(e);
            } else {
                groups.add(group(run));
                run = new ArrayList<>();
                run.add(e);
            }
        }
        if (!run.isEmpty()) {
            groups.add(group(run));
        }
        return groups;
    }

    /** group_sub_entities: the first label less its B-/I- part, the mean score, the words decoded together. */
    private Entity group(List<Entity> run) {
        String[] parts = run.getFirst().label().split("-", 2);
        double mean = 0;
        for (Entity e : run) {
            mean += e.score() / run.size();
        }
        String word = decoder.decode(run.stream().map(Entity::word).toList());
        return new Entity(parts[parts.length - 1], true, mean, null, word, run.getFirst().start(), run.getLast().end());
    }

    /** {B|I, tag}; a label without a B-/I- prefix counts as a continuation. */
    private static String[] tag(String label) {
        if (label.startsWith("B-")) {
            return new String[] {"B", label.substring(2)};
        }
        if (label.startsWith("I-")) {
            return new String[] {"I", label.substring(2)};
        }
        return new String[] {"I", label};
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    private static double max(double[] values) {
        return values[Activations.argmax(values)];
    }
}
