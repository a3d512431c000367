package dev.modelport.runtime;

/** A model output copied off the device, always float32: row-major floats and their shape. */
public record FloatTensor(float[] data, long[] shape) {

    public int dim(int axis) {
        return (int) shape[axis];
    }

    /** The contiguous run of the last axis at the given leading indices, e.g. row(b, t) of [B,T,C]. */
    public float[] row(int... leading) {
        int width = dim(shape.length - 1);
        int offset = 0;
        for (int axis = 0; axis < leading.length; axis++) {
            offset = offset * dim(axis) + leading[axis];
        }
        for (int axis = leading.length; axis < shape.length - 1; axis++) {
            offset *= dim(axis);
        }
        float[] out = new float[width];
        System.arraycopy(data, offset * width, out, 0, width);
        return out;
    }
}
