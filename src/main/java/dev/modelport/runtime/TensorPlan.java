package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.SafetensorsDtype;
import dev.modelport.runtime.safetensors.TensorInfo;
import dev.modelport.runtime.script.WeightHandOff.Weight;
import dev.modelport.runtime.weights.Checkpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The tensors a program takes, by the names it asks for, each with the stored names it may have
 * in a checkpoint (first found wins) and its expected shape; and the module prefixes the program
 * implements whole. {@link #resolve} checks a checkpoint against it before anything runs: a missing,
 * misshapen or non-float tensor fails naming the key; a tensor under an implemented prefix that
 * the program would not use (a bias the config says is absent, a block it does not know) is
 * refused; tensors of heads this architecture does not have are ignored, as transformers ignores
 * them; transformers' buffers are skipped by name.
 */
public final class TensorPlan {

    private static final Logger LOG = Logger.getLogger(TensorPlan.class);

    /** Buffers transformers registers and never loads as weights; older checkpoints still carry them. */
    private static final List<String> BUFFER_SUFFIXES = List.of(
            ".attn.bias", ".attn.masked_bias", "position_ids", "rotary_emb.inv_freq");

    private record Expected(String name, List<String> stored, long[] shape) {
    }

    private final String program;
    private final List<Expected> expected;
    private final List<String> owned;
    private final Set<String> tolerated;

    private TensorPlan(String program, List<Expected> expected, List<String> owned, Set<String> tolerated) {
        this.program = program;
        this.expected = expected;
        this.owned = owned;
        this.tolerated = tolerated;
    }

    /** @param program how messages name the program, e.g. {@code BertForMaskedLM} */
    public static Builder builder(String program) {
        return new Builder(program);
    }

    /** The names the program asks for, in plan order. */
    public List<String> names() {
        return expected.stream().map(Expected::name).toList();
    }

    /** The shape of every tensor the program asks for, by its name, in plan order (for tools that write checkpoints). */
    Map<String, long[]> expectedShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        expected.forEach(e -> out.put(e.name(), e.shape().clone()));
        return out;
    }

    /** Each planned tensor's shape, by the first name it may be stored under, in plan order. */
    public Map<String, long[]> storedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        expected.forEach(e -> shapes.put(e.stored().get(0), e.shape().clone()));
        return shapes;
    }

    /** Matches the checkpoint against the plan; the weights to hand over, in plan order. */
    public List<Weight> resolve(Checkpoint checkpoint) {
        List<Weight> weights = new ArrayList<>(expected.size());
        Set<String> used = new HashSet<>();
        for (Expected e : expected) {
            String stored = e.stored().stream().filter(checkpoint::has).findFirst().orElseThrow(() ->
                    new ModelportException(ErrorCode.INVALID_CHECKPOINT, "checkpoint " + checkpoint.source()
                            + " has no tensor '" + e.stored().get(0) + "', which " + program + " needs"));
            TensorInfo info = checkpoint.info(stored);
            if (SafetensorsDtype.of(info.dtype()) == null) {
                throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "tensor '" + stored + "' in "
                        + checkpoint.fileOf(stored).displayName() + " has dtype " + info.dtype()
                        + ", not a floating-point weight type (F32, F16, BF16)");
            }
            if (!Arrays.equals(info.shape(), e.shape())) {
                throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "tensor '" + stored + "' in "
                        + checkpoint.fileOf(stored).displayName() + " has shape " + info.shapeText() + ", expected "
                        + Arrays.toString(e.shape()) + " from config.json");
            }
            used.add(stored);
            weights.add(new Weight(e.name(), checkpoint.fileOf(stored), info));
        }
        Set<String> ignored = new TreeSet<>();
        for (String name : new TreeSet<>(checkpoint.names())) {
            if (used.contains(name) || tolerated.contains(name) || BUFFER_SUFFIXES.stream().anyMatch(name::endsWith)) {
                continue;
            }
            if (owned.stream().anyMatch(p -> name.startsWith(p + "."))) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_CONFIG, "the checkpoint holds tensor '" + name
                        + "', which " + program + " as implemented here does not use (a setting or block it does not"
                        + " support); it is refused rather than run without it");
            }
            ignored.add(name);
        }
        if (!ignored.isEmpty()) {
            LOG.infof("%s ignores %d checkpoint tensors of heads it does not have, as transformers does: %s", program,
                    ignored.size(), ignored.size() > 8 ? String.join(", ", new ArrayList<>(ignored).subList(0, 8)) + ", ..."
                            : String.join(", ", ignored));
        }
        return weights;
    }

    public static final class Builder {
        private final String program;
        private final Map<String, Expected> expected = new LinkedHashMap<>();
        private final List<String> owned = new ArrayList<>();
        private final Set<String> tolerated = new HashSet<>();

        private Builder(String program) {
            this.program = program;
        }

        /** A tensor stored under the name the program asks for. */
        public Builder expect(String name, long... shape) {
            return expectStored(name, List.of(name), shape);
        }

        /** A tensor the program asks for by {@code name}, stored under the first of {@code stored} present. */
        public Builder expectStored(String name, List<String> stored, long... shape) {
            if (expected.put(name, new Expected(name, List.copyOf(stored), shape.clone())) != null) {
                throw new IllegalStateException(name + " is planned twice");
            }
            return this;
        }

        /** A linear layer's {@code weight [out, in]}, and its {@code bias [out]} when it has one. */
        public Builder linear(String module, long out, long in, boolean bias) {
            expect(module + ".weight", out, in);
            if (bias) {
                expect(module + ".bias", out);
            }
            return this;
        }

        /** Whether a tensor is planned under the name the program asks for. */
        public boolean plans(String name) {
            return expected.containsKey(name);
        }

        /** A stored tensor the program knowingly does without (e.g. a copy of a tied weight). */
        public Builder tolerate(String storedName) {
            tolerated.add(storedName);
            return this;
        }

        /** Every stored tensor under {@code prefix.} must be one the plan uses (or a known buffer). */
        public Builder owns(String prefix) {
            owned.add(prefix);
            return this;
        }

        public TensorPlan build() {
            return new TensorPlan(program, List.copyOf(expected.values()), List.copyOf(owned), Set.copyOf(tolerated));
        }
    }
}
