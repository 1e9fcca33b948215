package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes an uncompressed zip archive the way PyTorch's reader expects it: stored entries, each entry's data
 * aligned to 64 bytes (padding in the local header's extra field, as PyTorch's own writer does, so storages can
 * be memory-mapped aligned), CRC-32 of every entry, then the central directory. Timestamps are fixed
 * (1980-01-01), so the same contents give the same bytes. Archives must stay under 4 GiB (no zip64).
 */
final class ZipWriter {
    /** The largest offset or size without zip64. */
    static final long MAX_SIZE = 0xFFFF_FFFFL;
    private static final int ALIGN = 64;
    private static final int DOS_DATE_1980 = 0x21;

    /** Fills an entry's data, chunk by chunk. */
    @FunctionalInterface
    interface Data {
        void writeTo(Sink sink) throws IOException;
    }

    /** Takes the bytes of the entry being written. */
    @FunctionalInterface
    interface Sink {
        void write(ByteBuffer bytes) throws IOException;
    }

    private record Written(String name, long header, long size, int crc) {
    }

    private final FileChannel ch;
    private final List<Written> written = new ArrayList<>();

    ZipWriter(FileChannel ch) {
        this.ch = ch;
    }

    void entry(String name, byte[] bytes) throws IOException {
        entry(name, sink -> sink.write(ByteBuffer.wrap(bytes)));
    }

    void entry(String name, Data data) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long header = ch.position();
        int pad = (int) (-(header + 30 + nameBytes.length) & (ALIGN - 1));
        if (pad > 0 && pad < 4) {
            pad += ALIGN; // an extra field is at least its 4-byte id and length
        }
        ByteBuffer h = ByteBuffer.allocate(30 + nameBytes.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE_1980).putInt(0).putInt(0).putInt(0)
                .putShort((short) nameBytes.length).putShort((short) pad).put(nameBytes);
        if (pad > 0) {
            h.putShort((short) 0x4246).putShort((short) (pad - 4)); // "FB": padding, as PyTorch marks it
        }
        writeFully(h.clear());
        long start = ch.position();
        CRC32 crc = new CRC32();
        data.writeTo(bytes -> {
            crc.update(bytes.duplicate());
            writeFully(bytes);
        });
        long size = ch.position() - start;
        if (ch.position() > MAX_SIZE) {
            throw new IOException("a PyTorch file over 4 GiB needs zip64, which jinn does not write");
        }
        ByteBuffer sizes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        sizes.putInt((int) crc.getValue()).putInt((int) size).putInt((int) size).flip();
        ch.write(sizes, header + 14);
        written.add(new Written(name, header, size, (int) crc.getValue()));
    }

    /** Writes the central directory and its end record. */
    void finish() throws IOException {
        long start = ch.position();
        for (Written w : written) {
            byte[] nameBytes = w.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer c = ByteBuffer.allocate(46 + nameBytes.length).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) DOS_DATE_1980).putInt(w.crc()).putInt((int) w.size())
                    .putInt((int) w.size()).putShort((short) nameBytes.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) w.header())
                    .put(nameBytes);
            writeFully(c.flip());
        }
        long size = ch.position() - start;
        if (ch.position() > MAX_SIZE || written.size() > 0xFFFF) {
            throw new IOException("a PyTorch file over 4 GiB or 65535 records needs zip64, which jinn does not write");
        }
        ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) written.size())
                .putShort((short) written.size()).putInt((int) size).putInt((int) start).putShort((short) 0);
        writeFully(e.flip());
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
