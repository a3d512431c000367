package dev.modelport.pipeline;

import dev.modelport.runtime.FloatTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * token-classification: entities per input with {@code start}/{@code end} in code points; parameters
 * {@code aggregation_strategy} (none|simple|first|average|max, default none) and
 * {@code ignore_labels} (default ["O"]).
 */
final class TokenClassificationPipeline implements Pipeline {
    private final PipelineContext context;
    private final TokenDecoder decoder;

    TokenClassificationPipeline(PipelineContext context) {
        this.context = context;
        this.decoder = TokenDecoder.of(context.files().tokenizerJson());
    }

    @Override
    public Task task() {
        return Task.TOKEN_CLASSIFICATION;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        TextInputs texts = TextInputs.parse(inputs);
        Params params = Params.of(parameters);
        String strategy = params.choice("aggregation_strategy", EntityAggregator.STRATEGIES, "none");
        List<String> ignore = params.stringList("ignore_labels");
        Set<String> ignoreLabels = new HashSet<>(ignore == null ? List.of("O") : ignore);

        List<Encoded> rows = context.encoder().encode(texts.texts());
        FloatTensor logits = context.forward(rows);
        EntityAggregator aggregator = new EntityAggregator(Labels.of(context.files().config(), logits.dim(2)),
                context.vocabulary().continuingSubwordPrefix(), decoder);
        OptionalLong unk = context.vocabulary().unkTokenId();
        ArrayNode results = Json.array();
        for (int b = 0; b < rows.size(); b++) {
            Encoded row = rows.get(b);
            List<EntityAggregator.Token> tokens = new ArrayList<>(row.length());
            for (int t = 0; t < row.length(); t++) {
                boolean unknown = unk.isPresent() && row.ids()[t] == unk.getAsLong();
                // a token without characters has the offsets (0, 0) in transformers
                tokens.add(new EntityAggregator.Token(row.tokens()[t], Math.max(row.starts()[t], 0),
                        Math.max(row.ends()[t], 0), t, row.isSpecial(t), unknown, logits.row(b, t)));
            }
            ArrayNode one = Json.array();
            for (EntityAggregator.Entity e : aggregator.aggregate(texts.texts().get(b), tokens, strategy, ignoreLabels)) {
                ObjectNode node = one.addObject();
                node.put(e.grouped() ? "entity_group" : "entity", e.label());
                node.put("score", e.score());
                if (e.index() != null) {
                    node.put("index", e.index());
                }
                node.put("word", e.word()).put("start", e.start()).put("end", e.end());
            }
            results.add(one);
        }
        return texts.batched() ? results : results.get(0);
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
