package dev.jinn.io;

/**
 * A storage that a pickle refers to through a persistent id: {@code ('storage', torch.FloatStorage, key,
 * location, numel)} in the zip format, with a sixth element (the pre-1.0 storage-view metadata
 * {@code (view_key, offset, size)} or None) in the legacy format. The bytes themselves live outside the
 * pickle: a zip record {@code data/<key>}, or a block after the pickles of a legacy file.
 *
 * @param key        the storage's key
 * @param type       its element type
 * @param numel      the number of elements the pickle declares
 * @param viewOffset for a legacy storage view, its first element in the root storage {@code key}; else 0
 * @param location   where it lived when saved ({@code cpu}, {@code cuda:0} …): jinn reads everything onto the CPU
 */
record StorageRef(String key, TorchDType type, long numel, long viewOffset, String location) {
    /**
     * Reads a persistent id.
     *
     * @param in  the stream, for messages
     * @param pid the object BINPERSID popped
     * @return the storage it names
     * @throws TorchFileException when it is not a storage reference of a known type
     */
    static StorageRef fromPersistentId(PickleInput in, Object pid) throws TorchFileException {
        if (!(pid instanceof PyTuple t) || (t.size() != 5 && t.size() != 6) || !"storage".equals(t.get(0))) {
            throw in.defect("a persistent id that is not ('storage', type, key, location, numel): " + Values.describe(pid));
        }
        if (!(t.get(1) instanceof PyGlobal g) || !g.module().equals("torch")
                || TorchDType.byStorageClass(g.name()) == null) {
            throw in.defect("a storage of unsupported type " + Values.describe(t.get(1)));
        }
        TorchDType type = TorchDType.byStorageClass(g.name());
        if (!(t.get(2) instanceof String key) || !key.matches("[A-Za-z0-9_]{1,64}")) {
            throw in.defect("a storage key that is not a short alphanumeric name: " + Values.describe(t.get(2)));
        }
        String location = t.get(3) instanceof String s ? s : String.valueOf(t.get(3));
        long numel = nonNegative(in, t.get(4), "storage size");
        long viewOffset = 0;
        if (t.size() == 6 && t.get(5) != PyNone.NONE) {
            // A legacy view (view_key, offset, size) of root storage `key`: tensors index it from `offset`.
            if (!(t.get(5) instanceof PyTuple v) || v.size() != 3) {
                throw in.defect("storage view metadata that is not (key, offset, size): " + Values.describe(t.get(5)));
            }
            viewOffset = nonNegative(in, v.get(1), "storage view offset");
            long viewSize = nonNegative(in, v.get(2), "storage view size");
            if (viewOffset + viewSize > numel) {
                throw in.defect("storage view [" + viewOffset + ", " + (viewOffset + viewSize)
                        + ") outside its storage of " + numel + " elements");
            }
        }
        return new StorageRef(key, type, numel, viewOffset, location);
    }

    static long nonNegative(PickleInput in, Object v, String what) throws TorchFileException {
        if (!(v instanceof Long n) || n < 0) {
            throw in.defect(what + " is not a non-negative int: " + Values.describe(v));
        }
        return n;
    }
}
