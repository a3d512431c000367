package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelRuntime;
import dev.modelport.runtime.ModelSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads golden cases with the runtime and lays its outputs out as transformers' goldens are. */
final class GoldenRuns {

    /** Every compared float32 tensor: within this of transformers (real-token positions only). */
    static final double TOLERANCE = 1e-4;

    static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    private GoldenRuns() {
    }

    /** Loads the case with the given compute dtype; a refusal fails the test, naming the case. */
    static LoadedModel load(Goldens.Case c, String dtype) {
        try {
            ModelSpec spec = RUNTIME.inspect(c.dir().resolve("config.json"));
            return RUNTIME.load(c.dir(), spec, new LoadOptions("cpu", dtype));
        } catch (ModelportException e) {
            return fail(c.name() + ": the runtime refuses to load it as " + dtype + ": " + e.code() + ": " + e.getMessage(), e);
        }
    }

    /** One output in golden layout: name, shape, data, and whether it is per token. */
    record Output(String name, long[] shape, float[] data, boolean perToken) {
    }

    static EncoderBatch batch(Goldens.Case c) {
        JsonNode in = c.json().path("inputs");
        JsonNode types = in.path("token_type_ids");
        return new EncoderBatch(Goldens.longs(in.path("input_ids")), Goldens.longs(in.path("attention_mask")),
                types.isArray() ? Goldens.longs(types) : null);
    }

    static Mismatches.Positions realTokens(EncoderBatch batch) {
        return (b, t) -> batch.attentionMask()[b][t] == 1;
    }

    /** Our outputs for every tensor the case's golden has, in the goldens' layout. */
    static Map<String, Output> encoderOutputs(Goldens.Case c, EncoderModel model) {
        EncoderBatch batch = batch(c);
        Map<String, Output> out = new LinkedHashMap<>();
        FloatTensor hidden = model.hiddenStates(batch);
        out.put("last_hidden_state", new Output("last_hidden_state", hidden.shape(), hidden.data(), true));
        JsonNode outputs = c.json().path("outputs");
        if (outputs.has("start_logits")) {
            FloatTensor qa = model.forward(batch);
            if (qa.shape().length != 3 || qa.shape()[2] != 2) {
                out.put("start_logits", new Output("start_logits", qa.shape(), qa.data(), true));
                return out;
            }
            int n = qa.data().length / 2;
            float[] start = new float[n];
            float[] end = new float[n];
            for (int i = 0; i < n; i++) {
                start[i] = qa.data()[2 * i];
                end[i] = qa.data()[2 * i + 1];
            }
            long[] shape = {qa.shape()[0], qa.shape()[1]};
            out.put("start_logits", new Output("start_logits", shape, start, true));
            out.put("end_logits", new Output("end_logits", shape, end, true));
        } else if (outputs.has("logits")) {
            FloatTensor logits = model.forward(batch);
            boolean perToken = outputs.path("logits").path("shape").size() == 3;
            out.put("logits", new Output("logits", logits.shape(), logits.data(), perToken));
        }
        return out;
    }

    /** The golden outputs by name, in order. */
    static List<String> outputNames(Goldens.Case c) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = c.json().path("outputs").fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
