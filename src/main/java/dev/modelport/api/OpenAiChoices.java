package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GeneratedToken;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.serving.GenerationCall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The choices of one OpenAI completion request: {@code n} per prompt, each an admitted generation of
 * its own (so each holds a MAX_QUEUE_SIZE slot and counts in the metrics), run at once on virtual
 * threads so that their decode steps share batched forward passes, as a list input's texts do.
 * Choice {@code index} is {@code prompt * n + j}, OpenAI's order.
 */
final class OpenAiChoices {

    /** One choice: its wire index, its admitted call and its prompt (with the choice's seed). */
    record Choice(int index, GenerationCall call, GenerationPrompt prompt) {
    }

    /** Receives one choice's token; answers false once the client is gone. Called by one choice at a time. */
    @FunctionalInterface
    interface TokenSink {
        boolean accept(Choice choice, GeneratedToken token, String finishReason);
    }

    private OpenAiChoices() {
    }

    /**
     * Admits every choice first (QUEUE_FULL before anything runs), then prepares each prompt once
     * (INVALID_INPUT, INPUT_TOO_LARGE). On an error every admitted call is ended, so no slot leaks.
     */
    static List<Choice> admit(GenerationTargets.Target target, List<Supplier<GenerationPrompt>> prompts, int n) {
        List<GenerationCall> calls = new ArrayList<>();
        List<Choice> choices = new ArrayList<>();
        try {
            for (int k = 0; k < prompts.size() * n; k++) {
                calls.add(target.model().admitGeneration());
            }
            for (int p = 0; p < prompts.size(); p++) {
                GenerationPrompt base = calls.get(p * n).prepare(prompts.get(p));
                for (int j = 0; j < n; j++) {
                    choices.add(new Choice(p * n + j, calls.get(p * n + j), base.choice(j)));
                }
            }
            return choices;
        } catch (RuntimeException e) {
            for (GenerationCall call : calls) {
                call.abandon(e); // a call already ended by its failed prepare stays as it was
            }
            throw e;
        }
    }

    /** Runs the choices to their end; each bounded by INFERENCE_TIMEOUT_MS. Results in choice order. */
    static List<GenerationResult> complete(List<Choice> choices) {
        return runAll(choices, c -> c.call().complete(c.prompt()::generate));
    }

    /**
     * Streams the choices' tokens to {@code sink}, one token at a time whatever thread generated it;
     * once the sink answers false (the client left) every choice stops at its next token.
     */
    static List<GenerationResult> stream(List<Choice> choices, TokenSink sink) {
        AtomicBoolean gone = new AtomicBoolean();
        Object turn = new Object();
        return runAll(choices, c -> c.call().stream((token, finish) -> {
            synchronized (turn) {
                if (gone.get() || !sink.accept(c, token, finish)) {
                    gone.set(true);
                    return false;
                }
                return true;
            }
        }, c.prompt()::generate));
    }

    private static List<GenerationResult> runAll(List<Choice> choices, java.util.function.Function<Choice, GenerationResult> run) {
        if (choices.size() == 1) {
            return List.of(run.apply(choices.getFirst()));
        }
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<GenerationResult>> running = choices.stream().map(c -> each.submit(() -> run.apply(c))).toList();
            List<GenerationResult> results = new ArrayList<>(choices.size());
            try {
                for (Future<GenerationResult> f : running) {
                    results.add(f.get());
                }
            } catch (ExecutionException e) {
                each.shutdownNow(); // the other choices stop at their next step
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the generation failed", e.getCause());
            } catch (InterruptedException e) {
                each.shutdownNow();
                Thread.currentThread().interrupt();
                throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
            }
            return results;
        }
    }

    /** Whether any choice ended because its client went away (then no usage chunk nor [DONE] follows). */
    static boolean cancelled(List<GenerationResult> results) {
        return results.stream().anyMatch(r -> "cancelled".equals(r.finishReason()));
    }

    /** {@code usage}: each prompt counted once (vLLM and OpenAI), every choice's tokens added. */
    static int[] usage(List<Choice> choices, List<GenerationResult> results, int n) {
        int prompt = 0;
        int completion = 0;
        for (int i = 0; i < choices.size(); i++) {
            if (i % n == 0) {
                prompt += choices.get(i).prompt().tokens();
            }
            completion += results.get(i).generatedTokens();
        }
        return new int[] {prompt, completion};
    }
}
