package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip64 structures that {@code torch.save} writes for files over 4 GiB, built by hand at a small scale: every
 * 32-bit size, offset and count saturated and the real values in zip64 extra fields and the zip64 end records.
 */
class TorchZip64Test {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream file = new ByteArrayOutputStream();
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int entries;

    @Test
    void zip64DirectoryAndExtraFieldsAreFollowed() throws Exception {
        PickleWriter p = new PickleWriter().proto();
        p.mark().string("w").global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().string("storage").global("torch", "DoubleStorage").string("0").string("cpu").integer(2).tuple()
                .persistentId();
        p.integer(0).mark().integer(2).tuple().mark().integer(1).tuple().bool(false);
        p.global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        byte[] pkl = p.toByteArray();
        byte[] withStop = ByteBuffer.allocate(pkl.length + 2).put(pkl).put((byte) 'd').put((byte) '.').array();
        entry("archive/data.pkl", withStop);
        entry("archive/data/0", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-8)
                .array());
        long directory = file.size();
        file.writeBytes(central.toByteArray());
        long zip64End = file.size();
        file.writeBytes(le(ByteBuffer.allocate(56)).putInt(0x06064b50).putLong(44).putShort((short) 45)
                .putShort((short) 45).putInt(0).putInt(0).putLong(entries).putLong(entries).putLong(central.size())
                .putLong(directory).array());
        file.writeBytes(le(ByteBuffer.allocate(20)).putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1).array());
        file.writeBytes(le(ByteBuffer.allocate(22)).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0xFFFF).putShort((short) 0xFFFF).putInt(-1).putInt(-1).putShort((short) 0).array());
        Path path = dir.resolve("zip64.pt");
        Files.write(path, file.toByteArray());
        assertThat(TorchFiles.read(path).tensor("w").toDoubleArray()).containsExactly(0.5, -8);
    }

    /** A stored entry whose central record keeps its sizes and offset only in a zip64 extra field. */
    private void entry(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(data);
        long offset = file.size();
        file.writeBytes(le(ByteBuffer.allocate(30)).putInt(0x04034b50).putShort((short) 45).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt((int) crc.getValue()).putInt(-1).putInt(-1)
                .putShort((short) n.length).putShort((short) 0).array());
        file.writeBytes(n);
        file.writeBytes(data);
        central.writeBytes(le(ByteBuffer.allocate(46)).putInt(0x02014b50).putShort((short) 45).putShort((short) 45)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) crc.getValue()).putInt(-1).putInt(-1)
                .putShort((short) n.length).putShort((short) 28).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(-1).array());
        central.writeBytes(n);
        central.writeBytes(le(ByteBuffer.allocate(28)).putShort((short) 1).putShort((short) 24).putLong(data.length)
                .putLong(data.length).putLong(offset).array());
        entries++;
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
