package dev.modelport.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** transformers 4.57's question-answering answer list: same text (any case) merges, scores add. */
class RankedAnswersTest {

    @Test
    void answersWithTheSameTextAddTheirScoresAndKeepTheFirstPosition() {
        RankedAnswers answers = new RankedAnswers();
        answers.add("Paris", 0.2, 15, 20);
        answers.add("London", 0.3, 40, 46);
        answers.add("paris", 0.15, 70, 75);
        List<RankedAnswers.Answer> top = answers.top(5, null);
        assertEquals(List.of("Paris", "London"), top.stream().map(RankedAnswers.Answer::answer).toList());
        assertEquals(0.35, top.getFirst().score(), 1e-12);
        assertEquals(15, top.getFirst().start());
        assertEquals(20, top.getFirst().end());
    }

    @Test
    void theEmptyAnswerCompetesWithItsOwnScoreAndTopKCuts() {
        RankedAnswers answers = new RankedAnswers();
        answers.add("Paris", 0.2, 15, 20);
        answers.add("London", 0.1, 40, 46);
        List<RankedAnswers.Answer> top = answers.top(2, 0.5);
        assertEquals(List.of("", "Paris"), top.stream().map(RankedAnswers.Answer::answer).toList());
        assertEquals(0, top.getFirst().start());
        assertEquals(0, top.getFirst().end());
    }

    @Test
    void equalScoresKeepTheOrderTheyWereFoundIn() {
        RankedAnswers answers = new RankedAnswers();
        answers.add("b", 0.25, 2, 3);
        answers.add("a", 0.25, 0, 1);
        assertEquals(List.of("b", "a"), answers.top(2, null).stream().map(RankedAnswers.Answer::answer).toList());
    }
}
