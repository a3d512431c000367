package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * fill-mask: each input holds exactly one mask token; answers {@code [{"score","token","token_str",
 * "sequence"}]} for the {@code top_k} (default 5) most likely tokens at the mask, or among
 * {@code targets} when given. Scores are the softmax over the whole vocabulary.
 */
final class FillMaskPipeline implements Pipeline {
    private final PipelineContext context;
    private final String maskToken;
    private final long maskId;

    FillMaskPipeline(PipelineContext context) {
        this.context = context;
        this.maskToken = context.vocabulary().maskToken();
        OptionalLong id = context.vocabulary().id(maskToken);
        if (maskToken == null || id.isEmpty()) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                    "fill-mask needs a mask token, and this repo's tokenizer defines none");
        }
        this.maskId = id.getAsLong();
    }

    String maskToken() {
        return maskToken;
    }

    @Override
    public Task task() {
        return Task.FILL_MASK;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        TextInputs texts = TextInputs.parse(inputs);
        Params params = Params.of(parameters);
        int topK = params.positiveInt("top_k", 5);
        long[] targets = targetIds(params.stringList("targets"));

        List<Encoded> rows = context.encoder().encode(texts.texts());
        int[] maskPositions = new int[rows.size()];
        for (int b = 0; b < rows.size(); b++) {
            maskPositions[b] = singleMask(rows.get(b), b, texts.batched());
        }
        float[][] logits = context.forwardAt(rows, maskPositions);
        ArrayNode results = Json.array();
        for (int b = 0; b < rows.size(); b++) {
            double[] probs = Activations.softmax(logits[b]);
            ArrayNode one = Json.array();
            for (int id : topIds(probs, targets, topK)) {
                long[] filled = rows.get(b).ids().clone();
                filled[maskPositions[b]] = id;
                one.addObject()
                        .put("score", probs[id])
                        .put("token", id)
                        .put("token_str", context.encoder().decode(new long[] {id}, false))
                        .put("sequence", context.encoder().decode(filled, true));
            }
            results.add(one);
        }
        return texts.batched() ? results : results.get(0);
    }

    private int singleMask(Encoded row, int index, boolean batched) {
        int position = -1;
        int count = 0;
        for (int t = 0; t < row.length(); t++) {
            if (row.ids()[t] == maskId) {
                position = t;
                count++;
            }
        }
        if (count != 1) {
            String which = batched ? "Input " + index : "The input";
            throw new ModelportException(ErrorCode.INVALID_INPUT, which + " must contain exactly one mask token "
                    + maskToken + " (found " + count + ")");
        }
        return position;
    }

    /** transformers' rule: a target that is not one vocabulary token stands for its first token. */
    private long[] targetIds(List<String> targets) {
        if (targets == null) {
            return null;
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (String target : targets) {
            OptionalLong id = context.vocabulary().id(target);
            if (id.isPresent()) {
                ids.add(id.getAsLong());
                continue;
            }
            long[] pieces = context.encoder().encodeBare(target).ids();
            if (pieces.length > 0) {
                ids.add(pieces[0]);
            }
        }
        if (ids.isEmpty()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "'targets' gave no token of the vocabulary");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The k most likely ids, most likely first, among the targets when there are some. */
    static int[] topIds(double[] probs, long[] targets, int topK) {
        int candidates = targets == null ? probs.length : targets.length;
        int k = Math.min(topK, candidates);
        // a min-heap of the best k seen so far: O(V log k) over a whole vocabulary
        PriorityQueue<Integer> best = new PriorityQueue<>(k + 1, Comparator.comparingDouble((Integer id) -> probs[id]));
        for (int i = 0; i < candidates; i++) {
            int id = targets == null ? i : (int) targets[i];
            best.add(id);
            if (best.size() > k) {
                best.poll();
            }
        }
        int[] out = new int[best.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = best.poll();
        }
        return out;
    }

    @Override
    public void listen(StageListener listener) {
        context.listen(listener);
    }

    @Override
    public void close() {
        context.encoder().close();
    }
}
