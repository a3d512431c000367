package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/** Integer inputs as int64 arrays in a request's manager, checked against the table they index. */
public final class Inputs {

    private Inputs() {
    }

    /**
     * @param what how an error names the input, e.g. "token id"
     * @param limit exclusive upper bound of the values (the table's row count)
     */
    public static NDArray ids(NDManager manager, long[][] rows, long limit, String what) {
        int b = rows.length;
        int t = b == 0 ? 0 : rows[0].length;
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != t) {
                throw new ModelportException(ErrorCode.INVALID_INPUT, "rows of a batch must have the same length");
            }
            for (int j = 0; j < t; j++) {
                long v = rows[i][j];
                if (v < 0 || v >= limit) {
                    throw new ModelportException(ErrorCode.INVALID_INPUT,
                            what + " " + v + " is outside the model's range 0.." + (limit - 1));
                }
                flat[i * t + j] = v;
            }
        }
        return manager.create(flat, new Shape(b, t));
    }
}
