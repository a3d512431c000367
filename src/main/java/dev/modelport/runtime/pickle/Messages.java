package dev.modelport.runtime.pickle;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/** The three ways a checkpoint is refused, with names from the file made safe to show. */
final class Messages {

    private static final int MAX_SHOWN = 120;

    private Messages() {
    }

    /** Text taken from the file, printable ASCII only and cut short, for a message. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 3);
        for (int i = 0; i < s.length() && b.length() < MAX_SHOWN; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > MAX_SHOWN) {
            b.append("...");
        }
        return b.toString();
    }

    /** Something outside torch's weights-only allow-list: a global, an opcode, a call or a target. */
    static ModelportException unsafe(String file, String what) {
        return new ModelportException(ErrorCode.UNSAFE_WEIGHTS, file + " was refused: " + what
                + "; only tensors, storages and plain containers are read from a PyTorch pickle (the allow-list of"
                + " torch.load(weights_only=True)), and nothing in it was run");
    }

    /** A malformed, truncated or inconsistent file, or one past a bound. */
    static ModelportException invalid(String file, String what) {
        return new ModelportException(ErrorCode.INVALID_CHECKPOINT, file + " " + what);
    }

    /** A form torch itself would load but Modelport does not read. */
    static ModelportException unsupported(String file, String what) {
        return new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, file + " " + what);
    }
}
