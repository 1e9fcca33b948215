package dev.jinn.tensor;

/** A {@link DenseStorage} over a tensor's own storage array. */
record StorageRun(Object array, DType dtype, int offset, int length) implements DenseStorage {
    @Override
    public float[] floats() {
        if (dtype != DType.FLOAT32) {
            throw new IllegalStateException("DenseStorage: floats() of a " + dtype + " tensor");
        }
        return (float[]) array;
    }

    @Override
    public double[] doubles() {
        if (dtype != DType.FLOAT64) {
            throw new IllegalStateException("DenseStorage: doubles() of a " + dtype + " tensor");
        }
        return (double[]) array;
    }

    @Override
    public boolean sharesArrayWith(DenseStorage other) {
        return other instanceof StorageRun run && run.array == array;
    }
}
