package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and broken files are refused with a {@link TorchFileException} that names the file and the refused
 * global or the defect; nothing in them runs. The fixtures were built by
 * {@code jinn-core/scripts/torch_fixtures.py}, mostly by hand from pickle opcodes; a few more are built here.
 */
class TorchFilesHostileTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "hostile_os_system_zip.pt    | refused global posix.system",
        "hostile_eval_legacy.pt      | refused global builtins.eval",
        "hostile_stack_global.pt     | refused global posix.system",
        "hostile_whole_model.pt      | refused global torch.nn.modules.linear.Linear",
        "hostile_torchscript.pt      | (a TorchScript archive from torch.jit.save",
        "hostile_inst.pt             | refused INST",
        "hostile_call_storage.pt     | refused call of torch.FloatStorage",
        "hostile_build_tensor.pt     | refused BUILD of a tensor",
        "hostile_nested_lists.pt     | nested more than 100 deep",
        "hostile_nested_tuples.pt    | a tuple nested more than 200 deep",
        "hostile_memo_bomb.pt        | expands to more than 10000000 entries",
        "hostile_cycle.pt            | contains itself",
        "hostile_huge_string.pt      | truncated: a string needs 4611686018427387904 bytes",
        "hostile_outside_storage.pt  | reaches element 9 of storage '0' with 4 elements",
        "hostile_huge_storage.pt     | declares 1073741824 elements of 4 bytes but its record has 16 bytes",
        "hostile_dotdot.pt           | refused entry name 'archive/../../etc/evil'",
        "hostile_truncated_zip.pt    | no end-of-central-directory record",
        "hostile_truncated_legacy.pt | (truncated)",
        "hostile_truncated_pickle.pt | truncated: ",
    })
    void hostileFixtureIsRefusedWithItsReason(String name, String reason) {
        Path path = TorchFixture.path(name);
        assertThatThrownBy(() -> TorchFiles.read(path))
                .isInstanceOfSatisfying(TorchFileException.class, e -> assertThat(e.file()).isEqualTo(path))
                .hasMessageStartingWith("refused PyTorch file " + path + ": ")
                .hasMessageContaining(reason);
    }

    @Test
    void wholeModelPicklesGetAHint() {
        assertThatThrownBy(() -> TorchFiles.read(TorchFixture.path("hostile_whole_model.pt")))
                .hasMessageContaining("save model.state_dict() instead");
    }

    @Test
    void nothingOfARefusedPickleRuns() throws IOException {
        // The pickle would run `touch <marker>`; the marker must not appear.
        Path marker = dir.resolve("ran");
        String cmd = "touch " + marker;
        byte[] pkl = cat(bytes("\u0080\u0002cposix\nsystem\nX"), le32(cmd.length()), bytes(cmd), bytes("\u0085R."));
        Path file = zipWithPickle(pkl);
        assertThatThrownBy(() -> TorchFiles.read(file)).hasMessageContaining("refused global posix.system");
        assertThat(marker).doesNotExist();
    }

    @Test
    void hugeIntegerOperandIsRefusedBeforeReading() throws IOException {
        byte[] pkl = cat(bytes("\u0080\u0002\u008b"), le32(0x7FFF_FFFF), bytes("."));
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(pkl))).isInstanceOf(TorchFileException.class)
                .hasMessageContaining("an integer of 2147483647 bytes");
    }

    @Test
    void unknownAndObjectBuildingOpcodesAreRefused() throws IOException {
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(bytes("\u0080\u0004\u0092."))))
                .hasMessageContaining("refused NEWOBJ_EX");
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(bytes("\u0080\u0002\u0082\u0001."))))
                .hasMessageContaining("refused EXT");
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(bytes("\u0080\u0002\u00ff."))))
                .hasMessageContaining("unknown opcode 0xff");
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(bytes("\u0080\u0002h\u0007."))))
                .hasMessageContaining("memo entry 7 read before it was written");
        assertThatThrownBy(() -> TorchFiles.read(zipWithPickle(bytes("\u0080\u0002NN."))))
                .hasMessageContaining("STOP with 2 values");
    }

    @Test
    void compressedEntriesAndNonTorchFilesAreRefused() throws IOException {
        Path zip = dir.resolve("deflated.pt");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            out.write(bytes("\u0080\u0002N."));
            out.closeEntry();
        }
        assertThatThrownBy(() -> TorchFiles.read(zip)).hasMessageContaining("is compressed or encrypted");
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> TorchFiles.read(text)).isInstanceOf(TorchFileException.class)
                .hasMessageContaining("not a torch.save file");
        assertThat(TorchFiles.isTorchFile(text)).isFalse();
    }

    @Test
    void safetensorsFilesWhoseHeaderLengthLooksLikeAMagicNumberAreNotTorchFiles() throws IOException {
        // Header lengths 0x0280 (0x80 0x02: PROTO 2) and 0x04034b50 ("PK\3\4") start like the two torch formats.
        for (long length : new long[] {0x0280, 0x0380}) {
            Path st = dir.resolve("h" + length + ".safetensors");
            ByteBuffer b = ByteBuffer.allocate(8 + (int) length).order(ByteOrder.LITTLE_ENDIAN).putLong(length);
            b.put(bytes("{}"));
            while (b.hasRemaining()) {
                b.put((byte) ' ');
            }
            Files.write(st, b.array());
            assertThat(TorchFiles.isTorchFile(st)).as("length " + length).isFalse();
            assertThat(TorchFiles.readStateDict(st, null)).isEmpty();
        }
        Path zipLike = dir.resolve("pk.safetensors");
        Files.write(zipLike, cat(le32(0x04034b50), le32(0), bytes("{}")));
        assertThat(TorchFiles.isTorchFile(zipLike)).isFalse();
        for (String name : new String[] {"state_dict_zip.pt", "state_dict_legacy.pt", "protocol4_zip.pt"}) {
            assertThat(TorchFiles.isTorchFile(TorchFixture.path(name))).as(name).isTrue();
        }
    }

    @Test
    void aBoolStorageByteOtherThanZeroOrOneIsRefused() throws IOException {
        Path file = dir.resolve("bool.pt");
        byte[] pkl = tensorDict("BoolStorage", 2);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZipWriter zip = new ZipWriter(ch);
            zip.entry("archive/data.pkl", pkl);
            zip.entry("archive/data/0", new byte[] {1, 7});
            zip.finish();
        }
        assertThatThrownBy(() -> TorchFiles.read(file)).hasMessageContaining("element 1 is not a valid bool");
    }

    @Test
    void bigEndianArchivesAreReadInTheirByteOrder() throws IOException {
        Path file = dir.resolve("big.pt");
        byte[] pkl = tensorDict("FloatStorage", 2);
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-3f);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZipWriter zip = new ZipWriter(ch);
            zip.entry("archive/data.pkl", pkl);
            zip.entry("archive/byteorder", bytes("big"));
            zip.entry("archive/data/0", data.array());
            zip.finish();
        }
        assertThat(TorchFiles.read(file).tensor("w").toFloatArray()).containsExactly(1.5f, -3f);
    }

    /** {"w": _rebuild_tensor_v2(storage '0' of n elements, 0, (n,), (1,), False, OrderedDict())}. */
    private static byte[] tensorDict(String storage, int n) {
        return tensorDict(storage, n, 0, new long[] {n}, new long[] {1});
    }

    /** {"w": _rebuild_tensor_v2(storage '0' of numel elements, offset, size, stride, False, OrderedDict())}. */
    private static byte[] tensorDict(String storage, long numel, long offset, long[] size, long[] stride) {
        PickleWriter p = new PickleWriter().proto();
        p.mark().string("w").global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().string("storage").global("torch", storage).string("0").string("cpu").integer(numel).tuple()
                .persistentId();
        p.integer(offset).mark();
        for (long v : size) {
            p.integer(v);
        }
        p.tuple().mark();
        for (long v : stride) {
            p.integer(v);
        }
        p.tuple().bool(false);
        p.global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        return cat(p.toByteArray(), bytes("d."));
    }

    private Path zipWithStorage(byte[] pkl, byte[] storage) throws IOException {
        Path file = Files.createTempFile(dir, "hand", ".pt");
        Files.delete(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZipWriter zip = new ZipWriter(ch);
            zip.entry("archive/data.pkl", pkl);
            zip.entry("archive/data/0", storage);
            zip.finish();
        }
        return file;
    }

    @Test
    void countsAndOffsetsThatWouldWrapAroundAreRefused() throws IOException {
        // 2^62 + 1 floats are 2^64 + 4 bytes: 4 after a wrap-around, the record's true length.
        Path wrap = zipWithStorage(tensorDict("FloatStorage", (1L << 62) + 1, 0, new long[] {1}, new long[] {1}),
                new byte[4]);
        assertThatThrownBy(() -> TorchFiles.read(wrap)).isInstanceOf(TorchFileException.class)
                .hasMessageContaining("declares 4611686018427387905 elements");
        Path offset = zipWithStorage(tensorDict("FloatStorage", 1, Long.MAX_VALUE - 1, new long[] {3}, new long[] {1}),
                new byte[4]);
        assertThatThrownBy(() -> TorchFiles.read(offset)).isInstanceOf(TorchFileException.class)
                .hasMessageContaining("reaches element 9223372036854775807");
        long big = Integer.MAX_VALUE - 9;
        long[] sizes = new long[64];
        long[] strides = new long[64];
        java.util.Arrays.fill(sizes, 1);
        java.util.Arrays.fill(strides, big);
        sizes[0] = 2;
        sizes[1] = 2;
        Path strided = zipWithStorage(tensorDict("FloatStorage", 1, 0, sizes, strides), new byte[4]);
        assertThatThrownBy(() -> TorchFiles.read(strided)).isInstanceOf(TorchFileException.class)
                .hasMessageContaining("of storage '0' with 1 elements");
        Path negative = zipWithStorage(tensorDict("FloatStorage", 1, 0, new long[] {-1}, new long[] {1}), new byte[4]);
        assertThatThrownBy(() -> TorchFiles.read(negative)).hasMessageContaining("is not a non-negative int: -1");
        Path missing = zipWithPickle(tensorDict("FloatStorage", 1));
        assertThatThrownBy(() -> TorchFiles.read(missing)).hasMessageContaining("storage '0' has no data record");
        Path complex = zipWithStorage(tensorDict("ComplexFloatStorage", 1), new byte[8]);
        assertThatThrownBy(() -> TorchFiles.read(complex)).hasMessageContaining("refused global torch.ComplexFloatStorage: a storage type jinn does not read");
    }

    private Path zipWithPickle(byte[] pkl) throws IOException {
        Path file = Files.createTempFile(dir, "hand", ".pt");
        Files.delete(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZipWriter zip = new ZipWriter(ch);
            zip.entry("archive/data.pkl", pkl);
            zip.finish();
        }
        return file;
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] cat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
