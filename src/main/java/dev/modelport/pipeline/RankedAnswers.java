package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The answers to one question across its chunks, as transformers 4.57's question-answering
 * {@code postprocess} keeps them: a span whose text equals (ignoring case) an answer already
 * found adds its score to that answer, which keeps its first {@code start}/{@code end}. Aligned
 * to words, several token spans (and the same text in overlapping chunks) become one answer.
 */
final class RankedAnswers {

    /** An answer; {@code start}/{@code end} in code points of the context. */
    record Answer(String answer, double score, int start, int end) {
        ObjectNode toJson() {
            return Json.object().put("score", score).put("start", start).put("end", end).put("answer", answer);
        }
    }

    private final List<Answer> answers = new ArrayList<>();

    void add(String text, double score, int start, int end) {
        String key = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < answers.size(); i++) {
            Answer found = answers.get(i);
            if (found.answer().toLowerCase(Locale.ROOT).equals(key)) {
                answers.set(i, new Answer(found.answer(), found.score() + score, found.start(), found.end()));
                return;
            }
        }
        answers.add(new Answer(text, score, start, end));
    }

    /**
     * The best {@code topK}; with {@code noAnswerScore} (handle_impossible_answer) the empty answer
     * at 0..0 competes too, never merged with another. Equal scores keep the order they were found in.
     */
    List<Answer> top(int topK, Double noAnswerScore) {
        List<Answer> ranked = new ArrayList<>(answers);
        if (noAnswerScore != null) {
            ranked.add(new Answer("", noAnswerScore, 0, 0));
        }
        ranked.sort(Comparator.comparingDouble(Answer::score).reversed());
        return ranked.subList(0, Math.min(topK, ranked.size()));
    }
}
