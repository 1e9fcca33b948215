package dev.jinn.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy format ({@code torch.save(..., _use_new_zipfile_serialization=False)}, and everything before
 * PyTorch 1.6): five pickles one after another (the magic number {@code 0x1950a86a20f9469cfc6c}, the protocol
 * version 1001, a sys-info dict with {@code little_endian}, the object itself with storages as persistent ids,
 * and the list of storage keys), then for each key in that list its storage: an 8-byte element count in the
 * file's byte order followed by the raw elements.
 */
final class TorchLegacyFormat {
    /** The magic number that starts every legacy file. */
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL = 1001;

    private TorchLegacyFormat() {
    }

    static TorchFile read(Path file, FileChannel ch, long mmapThreshold) throws IOException {
        long size = ch.size();
        // The pickles come first and are small; beyond 2 GiB there can only be storage bytes.
        ByteBuffer head = size >= mmapThreshold
                ? ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE - 8))
                : ChannelReads.readAt(file, ch, 0, (int) size, "the pickles");
        PickleInput in = new PickleInput(file, head);
        if (!MAGIC.equals(Unpickler.load(in))) {
            throw new TorchFileException(file, "not a PyTorch file (no legacy magic number, and not a zip archive)");
        }
        if (!Long.valueOf(PROTOCOL).equals(Unpickler.load(in))) {
            throw new TorchFileException(file, "a legacy file of an unknown protocol version");
        }
        Object sysInfo = Unpickler.load(in);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (sysInfo instanceof PyDict d && Boolean.FALSE.equals(d.items.get("little_endian"))) {
            order = ByteOrder.BIG_ENDIAN;
        }
        List<StorageRef> seen = new ArrayList<>();
        Object value = Unpickler.load(in, seen);
        Object keys = Unpickler.load(in);
        if (!(keys instanceof PyList list)) {
            throw new TorchFileException(file, "the legacy storage key list is " + Values.describe(keys));
        }
        Map<String, TorchDType> types = new HashMap<>();
        for (StorageRef s : seen) {
            types.put(s.key(), s.type());
        }
        Map<String, TorchStorages.Region> regions = new HashMap<>();
        long pos = in.position();
        for (Object k : list.items) {
            TorchDType type = types.get(k);
            if (!(k instanceof String key) || type == null || regions.containsKey(key)) {
                throw new TorchFileException(file, "the legacy storage list names " + Values.describe(k)
                        + ", which no tensor uses or which is listed twice");
            }
            ByteBuffer count = ChannelReads.readAt(file, ch, pos, 8, "a storage header").order(order);
            long numel = count.getLong(0);
            long length = numel < 0 || numel > size ? -1 : numel * type.itemSize();
            if (length < 0 || pos + 8 + length > size) {
                throw new TorchFileException(file, "legacy storage '" + key + "' of " + numel + " elements at byte "
                        + pos + " runs past the end of the file of " + size + " bytes (truncated?)");
            }
            regions.put(key, new TorchStorages.Region(pos + 8, length));
            pos += 8 + length;
        }
        return TorchTree.of(file, value, new TorchStorages(file, ch, order, mmapThreshold, regions));
    }
}
