package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of a zip archive, read with positional reads so that the entries' data can later be
 * memory-mapped where it lies (torch.save stores every record uncompressed). Zip64 archives (over 4 GiB or
 * 65535 entries) are understood. Entries must lie inside the file, have unique names, and have names without {@code ..}, absolute paths, backslashes or control characters:
 * jinn never extracts files, but such a name has no business in a PyTorch archive and marks a crafted one.
 */
final class ZipDirectory {
    /**
     * One entry: its data's first byte in the file and its length.
     *
     * @param stored false for a compressed or encrypted entry (TorchScript compresses its code), whose bytes
     *               are not its contents: reading one is refused
     */
    record Entry(String name, long offset, long size, int crc, boolean stored) {
    }

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final long MAX_DIRECTORY = 1L << 30;

    private final Path file;
    private final FileChannel ch;
    private final long size;

    private ZipDirectory(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
    }

    /**
     * Reads the directory.
     *
     * @return name → entry, in directory order
     * @throws TorchFileException when the archive is malformed or has a refused entry
     */
    static Map<String, Entry> read(Path file, FileChannel ch) throws IOException {
        return new ZipDirectory(file, ch).entries();
    }

    private TorchFileException bad(String problem) {
        return new TorchFileException(file, "zip archive: " + problem);
    }

    private ByteBuffer read(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size) {
            throw bad("a structure at byte " + position + " (" + length + " bytes) lies outside the file of "
                    + size + " bytes (truncated?)");
        }
        return ChannelReads.readAt(file, ch, position, length, "the zip directory").order(ByteOrder.LITTLE_ENDIAN);
    }

    private Map<String, Entry> entries() throws IOException {
        int tail = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
        ByteBuffer end = read(size - tail, tail);
        int at = -1;
        for (int i = tail - EOCD_SIZE; i >= 0; i--) {
            if (end.getInt(i) == EOCD) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw bad("no end-of-central-directory record (truncated or not a zip file)");
        }
        long eocd = size - tail + at;
        long count = end.getShort(at + 10) & 0xFFFF;
        long dirSize = end.getInt(at + 12) & 0xFFFF_FFFFL;
        long dirOffset = end.getInt(at + 16) & 0xFFFF_FFFFL;
        if ((count == 0xFFFF || dirSize == 0xFFFF_FFFFL || dirOffset == 0xFFFF_FFFFL) && eocd >= 20) {
            ByteBuffer loc = read(eocd - 20, 20);
            if (loc.getInt(0) == ZIP64_LOCATOR) {
                ByteBuffer z = read(loc.getLong(8), 56);
                if (z.getInt(0) != ZIP64_EOCD) {
                    throw bad("a zip64 locator that points at no zip64 directory record");
                }
                count = z.getLong(32);
                dirSize = z.getLong(40);
                dirOffset = z.getLong(48);
            }
        }
        if (dirSize > MAX_DIRECTORY || count < 0 || count > dirSize / 46 + 1) {
            throw bad("a central directory of " + count + " entries in " + dirSize + " bytes (implausible)");
        }
        ByteBuffer dir = read(dirOffset, (int) dirSize);
        Map<String, Entry> out = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            Entry e = central(dir);
            if (out.put(e.name(), e) != null) {
                throw bad("entry '" + e.name() + "' appears twice");
            }
        }
        return out;
    }

    private Entry central(ByteBuffer dir) throws IOException {
        if (dir.remaining() < 46 || dir.getInt(dir.position()) != CENTRAL) {
            throw bad("a central directory entry is malformed or missing");
        }
        int p = dir.position();
        int flags = dir.getShort(p + 8) & 0xFFFF;
        int method = dir.getShort(p + 10) & 0xFFFF;
        int crc = dir.getInt(p + 16);
        long compressed = dir.getInt(p + 20) & 0xFFFF_FFFFL;
        long plain = dir.getInt(p + 24) & 0xFFFF_FFFFL;
        int nameLength = dir.getShort(p + 28) & 0xFFFF;
        int extraLength = dir.getShort(p + 30) & 0xFFFF;
        int commentLength = dir.getShort(p + 32) & 0xFFFF;
        long local = dir.getInt(p + 42) & 0xFFFF_FFFFL;
        if (dir.remaining() < 46 + nameLength + extraLength + commentLength) {
            throw bad("a central directory entry runs past the directory");
        }
        byte[] raw = new byte[nameLength];
        dir.get(p + 46, raw);
        String name = new String(raw, StandardCharsets.UTF_8);
        ByteBuffer extra = dir.slice(p + 46 + nameLength, extraLength).order(ByteOrder.LITTLE_ENDIAN);
        // Zip64: the 64-bit values follow in a fixed order, each present only when its 32-bit field is saturated.
        while (extra.remaining() >= 4) {
            int id = extra.getShort() & 0xFFFF;
            int len = extra.getShort() & 0xFFFF;
            if (len > extra.remaining()) {
                throw bad("entry '" + name + "' has a malformed extra field");
            }
            ByteBuffer field = extra.slice(extra.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            extra.position(extra.position() + len);
            if (id == 1) {
                if (plain == 0xFFFF_FFFFL && field.remaining() >= 8) {
                    plain = field.getLong();
                }
                if (compressed == 0xFFFF_FFFFL && field.remaining() >= 8) {
                    compressed = field.getLong();
                }
                if (local == 0xFFFF_FFFFL && field.remaining() >= 8) {
                    local = field.getLong();
                }
            }
        }
        dir.position(p + 46 + nameLength + extraLength + commentLength);
        checkName(name);
        boolean stored = (flags & 1) == 0 && method == 0 && compressed == plain;
        ByteBuffer header = read(local, 30);
        if (header.getInt(0) != LOCAL) {
            throw bad("entry '" + name + "' points at no local header");
        }
        long data = local + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
        if (compressed < 0 || plain < 0 || data + compressed > size) {
            throw bad("entry '" + name + "' (" + compressed + " bytes at byte " + data + ") runs past the end of the"
                    + " file of " + size + " bytes");
        }
        return new Entry(name, data, plain, crc, stored);
    }

    private void checkName(String name) throws TorchFileException {
        boolean control = name.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || control || name.contains(":")
                || ("/" + name + "/").contains("/../") || ("/" + name + "/").contains("/./")) {
            throw bad("refused entry name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' (a path outside the archive or a malformed name)");
        }
    }
}
