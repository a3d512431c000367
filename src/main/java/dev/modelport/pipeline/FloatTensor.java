package dev.modelport.pipeline;

/** A model output copied off the device: row-major floats and their shape. */
record FloatTensor(float[] data, long[] shape) {

    int dim(int axis) {
        return (int) shape[axis];
    }

    /** The contiguous run of the last axis at the given leading indices, e.g. row(b, t) of [B,T,C]. */
    float[] row(int... leading) {
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
