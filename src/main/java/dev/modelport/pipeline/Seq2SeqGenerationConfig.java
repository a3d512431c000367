package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An encoder-decoder's generation settings as transformers keeps them (a {@code GenerationConfig}:
 * field names and defaults of transformers 4.57 and 5.18), and the two ways they are put together:
 * <ul>
 *   <li>{@link #forGenerate} is {@code model.generate(input_ids, **kwargs)}: the repo's
 *       {@code generation_config.json} (else the generation fields of {@code config.json}), then the
 *       keyword arguments;</li>
 *   <li>{@link #forPipeline} is transformers 4.57's text2text-generation, summarization and
 *       translation pipelines: their defaults ({@code max_new_tokens} 256, {@code num_beams} 4) where
 *       the repo leaves the global default, {@code max_new_tokens} dropped when the repo sets a
 *       {@code max_length} of its own, then the task's {@code task_specific_params} (less its
 *       {@code prefix}), then the request. One decision of ours: a request that gives
 *       {@code max_length} without {@code max_new_tokens} gets that max_length (transformers 4.57
 *       would let its default max_new_tokens win over it).</li>
 * </ul>
 * {@link #resolve} then does what generate() does to lengths ({@code max_new_tokens} and
 * {@code min_new_tokens} count after the decoder start token; the global default max_length 20 means
 * 20 new tokens) and gives the typed {@link Seq2SeqDecoding}. Settings transformers has and Modelport
 * does not implement are refused, naming them: in the repo's files when the deployment is created, in
 * a request as a 400.
 */
final class Seq2SeqGenerationConfig {

    /** transformers' GenerationConfig() defaults for the fields Modelport implements. */
    private static final Map<String, JsonNode> DEFAULTS = new LinkedHashMap<>();
    /** Fields transformers reads that change the tokens, which Modelport does not implement: name -> neutral value. */
    private static final Map<String, JsonNode> UNSUPPORTED = new LinkedHashMap<>();

    static {
        def("max_length", 20);
        DEFAULTS.put("max_new_tokens", Json.NODES.nullNode());
        def("min_length", 0);
        DEFAULTS.put("min_new_tokens", Json.NODES.nullNode());
        DEFAULTS.put("early_stopping", Json.NODES.booleanNode(false));
        DEFAULTS.put("do_sample", Json.NODES.booleanNode(false));
        def("num_beams", 1);
        DEFAULTS.put("temperature", Json.NODES.numberNode(1.0));
        def("top_k", 50);
        DEFAULTS.put("top_p", Json.NODES.numberNode(1.0));
        DEFAULTS.put("repetition_penalty", Json.NODES.numberNode(1.0));
        DEFAULTS.put("length_penalty", Json.NODES.numberNode(1.0));
        def("no_repeat_ngram_size", 0);
        DEFAULTS.put("bad_words_ids", Json.NODES.nullNode());
        def("num_return_sequences", 1);
        DEFAULTS.put("forced_bos_token_id", Json.NODES.nullNode());
        DEFAULTS.put("forced_eos_token_id", Json.NODES.nullNode());
        DEFAULTS.put("renormalize_logits", Json.NODES.booleanNode(false));
        DEFAULTS.put("decoder_start_token_id", Json.NODES.nullNode());
        DEFAULTS.put("bos_token_id", Json.NODES.nullNode());
        DEFAULTS.put("eos_token_id", Json.NODES.nullNode());
        DEFAULTS.put("pad_token_id", Json.NODES.nullNode());
        DEFAULTS.put("seed", Json.NODES.nullNode());
        for (String name : List.of("suppress_tokens", "begin_suppress_tokens", "sequence_bias", "force_words_ids",
                "constraints", "exponential_decay_length_penalty", "guidance_scale", "penalty_alpha", "min_p", "top_h",
                "watermarking_config", "stop_strings", "max_time", "assistant_model", "prompt_lookup_num_tokens")) {
            UNSUPPORTED.put(name, Json.NODES.nullNode());
        }
        UNSUPPORTED.put("num_beam_groups", Json.NODES.numberNode(1));
        UNSUPPORTED.put("diversity_penalty", Json.NODES.numberNode(0.0));
        UNSUPPORTED.put("encoder_repetition_penalty", Json.NODES.numberNode(1.0));
        UNSUPPORTED.put("encoder_no_repeat_ngram_size", Json.NODES.numberNode(0));
        UNSUPPORTED.put("typical_p", Json.NODES.numberNode(1.0));
        UNSUPPORTED.put("epsilon_cutoff", Json.NODES.numberNode(0.0));
        UNSUPPORTED.put("eta_cutoff", Json.NODES.numberNode(0.0));
        UNSUPPORTED.put("remove_invalid_values", Json.NODES.booleanNode(false));
    }

    private static void def(String name, int value) {
        DEFAULTS.put(name, Json.NODES.numberNode(value));
    }

    /** The generation fields transformers reads from a config.json that has no generation_config.json beside it. */
    private static final Set<String> FROM_MODEL_CONFIG = Set.of("max_length", "min_length", "early_stopping",
            "do_sample", "num_beams", "temperature", "top_k", "top_p", "repetition_penalty", "length_penalty",
            "no_repeat_ngram_size", "bad_words_ids", "num_return_sequences", "forced_bos_token_id",
            "forced_eos_token_id", "decoder_start_token_id", "bos_token_id", "eos_token_id", "pad_token_id",
            "renormalize_logits", "max_new_tokens", "min_new_tokens");

    private final ObjectNode values;

    private Seq2SeqGenerationConfig(ObjectNode values) {
        this.values = values;
    }

    /**
     * The repo's own generation settings: generation_config.json when it has one, else the
     * generation fields of config.json (transformers' GenerationConfig.from_model_config).
     */
    static Seq2SeqGenerationConfig ofRepo(JsonNode generationConfig, JsonNode config) {
        ObjectNode values = Json.object();
        DEFAULTS.forEach(values::set);
        boolean own = generationConfig != null && generationConfig.isObject() && !generationConfig.isEmpty();
        JsonNode source = own ? generationConfig : config;
        List<String> refused = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (UNSUPPORTED.containsKey(name)) {
                if (!isNeutral(name, e.getValue())) {
                    refused.add(name + " = " + e.getValue());
                }
                continue;
            }
            if (DEFAULTS.containsKey(name) && (own || FROM_MODEL_CONFIG.contains(name))) {
                values.set(name, e.getValue());
            }
        }
        if (!refused.isEmpty()) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_CONFIG, "the repo's "
                    + (own ? "generation_config.json" : "config.json") + " sets " + String.join(", ", refused)
                    + ", which Modelport's encoder-decoder generation does not implement; refused rather than run"
                    + " differently from transformers");
        }
        // a generation_config.json without the decoder's special tokens: config.json's, as the model config carries them
        for (String token : List.of("decoder_start_token_id", "eos_token_id", "bos_token_id", "pad_token_id")) {
            if (values.get(token).isNull() && config != null && config.hasNonNull(token)) {
                values.set(token, config.get(token));
            }
        }
        Seq2SeqGenerationConfig repo = new Seq2SeqGenerationConfig(values);
        repo.check("the repo's generation settings");
        return repo;
    }

    /** model.generate(**kwargs): the repo's settings updated with the keyword arguments. */
    Seq2SeqGenerationConfig forGenerate(JsonNode kwargs) {
        Seq2SeqGenerationConfig out = copy();
        out.update(kwargs);
        out.callerMaxLength = givesMaxLength(kwargs);
        return out;
    }

    private static boolean givesMaxLength(JsonNode kwargs) {
        return kwargs != null && kwargs.has("max_length") && !kwargs.get("max_length").isNull();
    }

    /**
     * What transformers 4.57's text2text-generation / summarization / translation pipeline generates
     * with (see the class comment).
     *
     * @param taskParams the task's entry of config.json's task_specific_params (its prefix left out), or null
     * @param request the request's generation parameters
     */
    Seq2SeqGenerationConfig forPipeline(JsonNode taskParams, JsonNode request) {
        ObjectNode pipeline = Json.object();
        DEFAULTS.forEach(pipeline::set);
        pipeline.put("max_new_tokens", 256).put("num_beams", 4);
        // _prepare_generation_config(use_model_defaults=True): the repo's value where the pipeline's is the global default
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode global = DEFAULTS.get(e.getKey());
            if (same(pipeline.get(e.getKey()), global) && !same(e.getValue(), global)) {
                pipeline.set(e.getKey(), e.getValue());
            }
        }
        if (pipeline.get("temperature").asDouble() == 0.0) {
            pipeline.put("do_sample", false);
        }
        // a repo max_length other than the global default wins over the pipeline's max_new_tokens
        if (pipeline.get("max_new_tokens").asInt() == 256 && !pipeline.get("max_length").isNull()
                && pipeline.get("max_length").asInt() != 20) {
            pipeline.putNull("max_new_tokens");
        }
        Seq2SeqGenerationConfig out = new Seq2SeqGenerationConfig(pipeline);
        if (taskParams != null && taskParams.isObject()) {
            ObjectNode task = taskParams.deepCopy();
            task.remove("prefix");
            out.update(task);
        }
        if (request != null && request.has("max_length") && !request.has("max_new_tokens")) {
            out.values.putNull("max_new_tokens");
        }
        out.update(request);
        out.callerMaxLength = givesMaxLength(request);
        return out;
    }

    private Seq2SeqGenerationConfig copy() {
        return new Seq2SeqGenerationConfig(values.deepCopy());
    }

    /** GenerationConfig.update: the known fields are set; unsupported ones (not neutral) are refused. */
    private void update(JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (UNSUPPORTED.containsKey(e.getKey())) {
                if (!isNeutral(e.getKey(), e.getValue())) {
                    throw Params.invalid("'" + e.getKey() + "' is not supported by Modelport's encoder-decoder generation");
                }
            } else if (DEFAULTS.containsKey(e.getKey())) {
                values.set(e.getKey(), e.getValue());
            }
        }
        if (values.path("temperature").isNumber() && values.get("temperature").asDouble() == 0.0) {
            values.put("do_sample", false);
        }
    }

    /** Python's == on two JSON values: numbers by value (1 == 1.0), the rest structurally, null equal to null. */
    static boolean same(JsonNode a, JsonNode b) {
        boolean aNull = a == null || a.isNull() || a.isMissingNode();
        boolean bNull = b == null || b.isNull() || b.isMissingNode();
        if (aNull || bNull) {
            return aNull == bNull;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }

    private static boolean isNeutral(String name, JsonNode value) {
        return value == null || value.isNull() || same(value, UNSUPPORTED.get(name));
    }

    /** The generation settings, checked and typed, as generate() would run them. */
    Seq2SeqDecoding resolve(String what) {
        check(what);
        Params p = Params.of(values);
        Integer maxNew = optionalInt(p, "max_new_tokens", 0);
        int maxLength = maxNew != null ? maxNew + 1 : p.positiveInt("max_length", 20);
        if (maxNew == null && maxLength == 20 && !callerMaxLength) {
            maxLength = 21; // _prepare_generated_length: the global default means 20 new tokens
        }
        Integer minNew = optionalInt(p, "min_new_tokens", 0);
        int minLength = minNew != null ? minNew + 1 : nonNegativeInt(p, "min_length");
        List<Long> eos = ids(values.get("eos_token_id"), "eos_token_id");
        Long start = singleId(values.get("decoder_start_token_id"), "decoder_start_token_id");
        if (start == null) {
            start = singleId(values.get("bos_token_id"), "bos_token_id");
        }
        if (start == null) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_CONFIG,
                    "neither decoder_start_token_id nor bos_token_id is set; the decoder cannot start");
        }
        int beams = p.positiveInt("num_beams", 1);
        int returned = p.positiveInt("num_return_sequences", 1);
        boolean sample = p.bool("do_sample", false);
        if (returned > beams && !sample) {
            throw Params.invalid("'num_return_sequences' (" + returned + ") cannot exceed 'num_beams' (" + beams + ")"
                    + " when decoding greedily or with beam search");
        }
        if (sample && beams > 1) {
            throw Params.invalid("sampling with beams (do_sample with num_beams > 1) is not supported; use num_beams 1");
        }
        if (sample && returned > 1) {
            throw Params.invalid("'num_return_sequences' above 1 needs num_beams; sampling returns one sequence");
        }
        JsonNode early = values.get("early_stopping");
        String earlyStopping;
        if (early.isBoolean()) {
            earlyStopping = early.asBoolean() ? "true" : "false";
        } else if (early.isTextual() && early.asText().equals("never")) {
            earlyStopping = "never";
        } else {
            throw Params.invalid("'early_stopping' must be true, false or \"never\", got " + early);
        }
        double temperature = p.number("temperature", 1.0);
        double topP = p.number("top_p", 1.0);
        double penalty = p.number("repetition_penalty", 1.0);
        if (temperature < 0 || topP <= 0 || topP > 1 || penalty <= 0) {
            throw Params.invalid("'temperature' must be >= 0, 'top_p' in (0, 1] and 'repetition_penalty' > 0");
        }
        int topK = values.get("top_k").isNull() ? 0 : nonNegativeInt(p, "top_k");
        Long seed = null;
        if (!values.get("seed").isNull()) {
            if (!values.get("seed").canConvertToExactIntegral()) {
                throw Params.invalid("'seed' must be an integer, got " + values.get("seed"));
            }
            seed = values.get("seed").asLong();
        }
        return new Seq2SeqDecoding(start, List.copyOf(eos), maxLength, minLength, beams, returned,
                p.number("length_penalty", 1.0), earlyStopping, nonNegativeInt(p, "no_repeat_ngram_size"), penalty,
                badWords(values.get("bad_words_ids"), eos), singleId(values.get("forced_bos_token_id"), "forced_bos_token_id"),
                ids(values.get("forced_eos_token_id"), "forced_eos_token_id"), p.bool("renormalize_logits", false), sample,
                temperature, topK, topP, seed);
    }

    /** generate()'s has_default_max_length is false: max_length came with the call, not from the repo. */
    private boolean callerMaxLength;

    private void check(String what) {
        try {
            Params p = Params.of(values);
            optionalInt(p, "max_new_tokens", 0);
            if (!values.get("max_length").isNull()) {
                p.positiveInt("max_length", 20);
            }
            nonNegativeInt(p, "min_length");
            optionalInt(p, "min_new_tokens", 0);
            p.positiveInt("num_beams", 1);
            p.positiveInt("num_return_sequences", 1);
            nonNegativeInt(p, "no_repeat_ngram_size");
            p.number("length_penalty", 1.0);
            p.bool("do_sample", false);
            p.bool("renormalize_logits", false);
            ids(values.get("eos_token_id"), "eos_token_id");
            ids(values.get("forced_eos_token_id"), "forced_eos_token_id");
            singleId(values.get("forced_bos_token_id"), "forced_bos_token_id");
            badWords(values.get("bad_words_ids"), List.of());
        } catch (ModelportException e) {
            throw new ModelportException(e.code(), what + ": " + e.getMessage(), e);
        }
    }

    private Integer optionalInt(Params p, String name, int min) {
        JsonNode v = values.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt() || v.asInt() < min) {
            throw Params.invalid("'" + name + "' must be an integer >= " + min + ", got " + v);
        }
        return v.asInt();
    }

    private int nonNegativeInt(Params p, String name) {
        Integer v = optionalInt(p, name, 0);
        return v == null ? 0 : v;
    }

    /** One token id or a list of them (eos_token_id, forced_eos_token_id); empty when null. */
    private static List<Long> ids(JsonNode node, String name) {
        List<Long> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isIntegralNumber()) {
            out.add(node.asLong());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isIntegralNumber()) {
                    throw Params.invalid("'" + name + "' must be a token id or a list of them, got " + node);
                }
                if (!out.contains(n.asLong())) {
                    out.add(n.asLong());
                }
            }
        } else {
            throw Params.invalid("'" + name + "' must be a token id or a list of them, got " + node);
        }
        return out;
    }

    private static Long singleId(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw Params.invalid("'" + name + "' must be a token id, got " + node);
        }
        return node.asLong();
    }

    /** bad_words_ids: lists of token ids; a single-token entry that is an eos token is dropped, as transformers does. */
    private static List<long[]> badWords(JsonNode node, List<Long> eos) {
        List<long[]> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw Params.invalid("'bad_words_ids' must be a list of lists of token ids, got " + node);
        }
        for (JsonNode seq : node) {
            if (!seq.isArray() || seq.isEmpty()) {
                throw Params.invalid("'bad_words_ids' must be a list of non-empty lists of token ids, got " + node);
            }
            long[] ids = new long[seq.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!seq.get(i).isIntegralNumber() || seq.get(i).asLong() < 0) {
                    throw Params.invalid("'bad_words_ids' must hold token ids, got " + seq);
                }
                ids[i] = seq.get(i).asLong();
            }
            if (ids.length == 1 && eos.contains(ids[0])) {
                continue;
            }
            out.add(ids);
        }
        return out;
    }

    /** The parameters Modelport reads as generation settings (for error messages and docs). */
    static Set<String> supportedNames() {
        return new TreeSet<>(DEFAULTS.keySet());
    }
}
