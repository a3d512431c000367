package dev.modelport.runtime.script;

import java.util.List;
import java.util.Map;

/** An argument of a program call, as Java states it; {@link ScriptProgram} turns it into a TorchScript value. */
public sealed interface ScriptArg {

    /** int64 {@code [B, T]}. */
    record Ids(long[][] rows) implements ScriptArg {
    }

    /** int64 {@code [T]}. */
    record IdRow(long[] ids) implements ScriptArg {
    }

    /** float32 of the given shape. */
    record Floats(float[] values, long[] shape) implements ScriptArg {
    }

    /** {@code int}. */
    record Int(long value) implements ScriptArg {
    }

    /** {@code str}. */
    record Str(String value) implements ScriptArg {
    }

    /** {@code Dict[str, str]}; never empty (the engine cannot type an empty dict). */
    record Strings(Map<String, String> values) implements ScriptArg {
        public Strings {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("an empty dict has no type");
            }
        }
    }

    /** An object the program made. */
    record Handle(ScriptHandle handle) implements ScriptArg {
    }

    /** {@code List[T]} of objects the program made, all of one type; never empty. */
    record Handles(List<ScriptHandle> handles) implements ScriptArg {
        public Handles {
            if (handles.isEmpty()) {
                throw new IllegalArgumentException("an empty list has no type");
            }
        }
    }

    static ScriptArg ids(long[][] rows) {
        return new Ids(rows);
    }

    static ScriptArg ids(long[] ids) {
        return new IdRow(ids);
    }

    static ScriptArg of(long value) {
        return new Int(value);
    }

    static ScriptArg of(String value) {
        return new Str(value);
    }

    static ScriptArg of(ScriptHandle handle) {
        return new Handle(handle);
    }
}
