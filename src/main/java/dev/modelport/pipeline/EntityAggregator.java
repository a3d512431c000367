package dev.modelport.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * transformers' token-classification post-processing: per-token softmax, word fusion for
 * {@code first|average|max}, B-/I- grouping for every strategy but {@code none}, and label
 * filtering. Grouped entities' {@code word} is the slice of the input text between their
 * {@code start} and {@code end}, so it always maps back to the text.
 */
final class EntityAggregator {
    static final Set<String> STRATEGIES = Set.of("none", "simple", "first", "average", "max");

    /** One token as the aggregation sees it. */
    record Token(String text, int start, int end, int index, boolean isSpecial, boolean isUnknown, float[] logits) {
    }

    /** An output entity; {@code index} is null for grouped ones, {@code grouped} picks the key name. */
    record Entity(String label, boolean grouped, double score, Integer index, String word, int start, int end) {
    }

    private record PreEntity(String word, double[] scores, int start, int end, int index, boolean isSubword) {
    }

    private final Labels labels;
    private final String continuingSubwordPrefix;

    /**
     * @param continuingSubwordPrefix the tokenizer's word-continuation prefix ({@code ##}); null makes
     *     word boundaries come from the text, as transformers falls back to for byte-level BPE
     */
    EntityAggregator(Labels labels, String continuingSubwordPrefix) {
        this.labels = labels;
        this.continuingSubwordPrefix = continuingSubwordPrefix;
    }

    List<Entity> aggregate(String text, List<Token> tokens, String strategy, Set<String> ignoreLabels) {
        List<PreEntity> pre = gather(text, tokens);
        List<Entity> entities;
        if (strategy.equals("none") || strategy.equals("simple")) {
            entities = new ArrayList<>();
            for (PreEntity p : pre) {
                int best = Activations.argmax(p.scores());
                entities.add(new Entity(labels.name(best), false, p.scores()[best], p.index(), p.word(), p.start(), p.end()));
            }
        } else {
            entities = aggregateWords(text, pre, strategy);
        }
        if (!strategy.equals("none")) {
            entities = groupEntities(text, entities);
        }
        List<Entity> kept = new ArrayList<>();
        for (Entity e : entities) {
            if (!ignoreLabels.contains(e.label())) {
                kept.add(e);
            }
        }
        return kept;
    }

    private List<PreEntity> gather(String text, List<Token> tokens) {
        List<PreEntity> pre = new ArrayList<>();
        Token previous = null;
        for (Token token : tokens) {
            if (token.isSpecial()) {
                continue;
            }
            String word = token.text();
            String wordRef = text.substring(token.start(), token.end());
            boolean isSubword;
            if (continuingSubwordPrefix != null) {
                // a word-aware tokenizer: a piece whose token text is longer than its characters carries the prefix
                isSubword = word.codePointCount(0, word.length()) != wordRef.codePointCount(0, wordRef.length());
            } else {
                // transformers' fallback: a token starts a word when a space touches its start
                isSubword = token.start() > 0
                        && !text.substring(token.start() - 1, Math.min(text.length(), token.start() + 1)).contains(" ");
                if (previous != null) {
                    // where that heuristic breaks on byte-level BPE: the byte pieces of one character
                    // (é, emoji) share its span, and a bare space marker "Ġ" has an empty span
                    boolean sameCharacter = token.start() < previous.end();
                    boolean afterBareSpace = previous.start() == previous.end() && previous.end() == token.start();
                    isSubword |= sameCharacter || afterBareSpace;
                }
            }
            previous = token;
            if (token.isUnknown()) {
                word = wordRef;
                isSubword = false;
            }
            pre.add(new PreEntity(word, Activations.softmax(token.logits()), token.start(), token.end(), token.index(),
                    isSubword));
        }
        return pre;
    }

    private List<Entity> aggregateWords(String text, List<PreEntity> pre, String strategy) {
        List<Entity> words = new ArrayList<>();
        List<PreEntity> group = new ArrayList<>();
        for (PreEntity p : pre) {
            if (!group.isEmpty() && !p.isSubword()) {
                words.add(aggregateWord(text, group, strategy));
                group = new ArrayList<>();
            }
            group.add(p);
        }
        if (!group.isEmpty()) {
            words.add(aggregateWord(text, group, strategy));
        }
        return words;
    }

    private Entity aggregateWord(String text, List<PreEntity> pieces, String strategy) {
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
        int start = pieces.getFirst().start();
        int end = pieces.getLast().end();
        return new Entity(labels.name(best), false, scores[best], null, text.substring(start, end), start, end);
    }

    private static List<Entity> groupEntities(String text, List<Entity> entities) {
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
                groups.add(group(text, run));
                run = new ArrayList<>();
                run.add(e);
            }
        }
        if (!run.isEmpty()) {
            groups.add(group(text, run));
        }
        return groups;
    }

    private static Entity group(String text, List<Entity> run) {
        String[] parts = run.getFirst().label().split("-", -1);
        double mean = 0;
        for (Entity e : run) {
            mean += e.score() / run.size();
        }
        int start = run.getFirst().start();
        int end = run.getLast().end();
        return new Entity(parts[parts.length - 1], true, mean, null, text.substring(start, end), start, end);
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

    private static double max(double[] values) {
        return values[Activations.argmax(values)];
    }
}
