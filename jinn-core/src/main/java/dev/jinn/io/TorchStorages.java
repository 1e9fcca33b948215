package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each storage's bytes lie in the file, and access to them: memory-mapped when the storage is large (so a
 * big file is never copied into the heap as a whole: each tensor is decoded straight from the mapping), read
 * into the heap when it is small. Every storage must have its own record, exactly as long as its declared
 * element count times its item size.
 */
final class TorchStorages {
    /** A storage's bytes: the first byte in the file and the length. */
    record Region(long offset, long length) {
    }

    /** Storages of at least this many bytes are memory-mapped. */
    static final long DEFAULT_MMAP_THRESHOLD = 16L << 20;

    private final Path file;
    private final FileChannel ch;
    private final ByteOrder order;
    private final long mmapThreshold;
    private final Map<String, Region> regions;
    private final Map<String, ByteBuffer> loaded = new HashMap<>();

    TorchStorages(Path file, FileChannel ch, ByteOrder order, long mmapThreshold, Map<String, Region> regions) {
        this.file = file;
        this.ch = ch;
        this.order = order;
        this.mmapThreshold = mmapThreshold;
        this.regions = regions;
    }

    /**
     * The bytes of one storage, in the file's byte order.
     *
     * @throws TorchFileException when the storage has no record or a record of the wrong length
     */
    ByteBuffer bytes(StorageRef ref) throws IOException {
        ByteBuffer cached = loaded.get(ref.key());
        Region r = regions.get(ref.key());
        if (r == null) {
            throw new TorchFileException(file, "storage '" + ref.key() + "' has no data record");
        }
        // numel is checked against the length before multiplying, so a crafted count cannot wrap around.
        if (ref.numel() > r.length() || ref.numel() * ref.type().itemSize() != r.length()) {
            throw new TorchFileException(file, "storage '" + ref.key() + "' declares " + ref.numel() + " elements of "
                    + ref.type().itemSize() + " bytes but its record has " + r.length() + " bytes");
        }
        if (cached != null) {
            return cached;
        }
        if (r.length() > Integer.MAX_VALUE - 8) {
            throw new TorchFileException(file, "storage '" + ref.key() + "' has " + r.length()
                    + " bytes; jinn reads storages of up to 2 GiB");
        }
        ByteBuffer buf;
        if (r.length() >= mmapThreshold) {
            buf = ch.map(FileChannel.MapMode.READ_ONLY, r.offset(), r.length());
        } else {
            buf = ChannelReads.readAt(file, ch, r.offset(), (int) r.length(), "storage '" + ref.key() + "'");
        }
        buf.order(order);
        loaded.put(ref.key(), buf);
        return buf;
    }
}
