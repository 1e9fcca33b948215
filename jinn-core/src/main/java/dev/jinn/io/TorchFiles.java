package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Reads files written by PyTorch's {@code torch.save} and writes files that {@code torch.load} reads, without
 * running a pickle.
 *
 * <h2>Reading</h2>
 * {@link #read(Path)} understands both formats by their content: the zip archive of PyTorch 1.6 and later and
 * the legacy stream ({@code _use_new_zipfile_serialization=False}). The pickle inside is interpreted by jinn's
 * own unpickler, which builds values and never executes anything: only the globals on its allow-list
 * ({@code collections.OrderedDict}, {@code builtins.set}/{@code frozenset}, {@code _codecs.encode},
 * {@code torch._utils._rebuild_tensor}/{@code _rebuild_tensor_v2}/{@code _rebuild_parameter}/
 * {@code _rebuild_parameter_with_state}, the {@code torch.*Storage} types, {@code torch.Size},
 * {@code torch.device} and the {@code torch} dtypes) may appear; any other global (such as {@code posix.system}
 * or {@code builtins.eval}), any call or BUILD of something not allowed, a truncated or malformed stream, a
 * tensor reaching outside its storage, a storage whose record has the wrong length, sizes that do not fit,
 * cycles, nesting bombs and zip entries with {@code ..} are a {@link TorchFileException} naming the file and
 * the refused global or the defect. This is the promise of PyTorch's {@code torch.load(weights_only=True)}.
 *
 * <p>Storages are decoded straight from the file (memory-mapped when large), each tensor into its own array:
 * views of a shared storage with any offset and strides, 0-d and empty tensors. float64 and float32 are kept;
 * float16 and bfloat16 widen exactly to FLOAT32; int64, int32, int16, int8 and uint8 become INT64; bool stays
 * BOOL. Parameters load like tensors; nothing read requires gradients.
 *
 * <h2>Writing</h2>
 * {@link #write(Path, Map)} writes the zip format: an {@code OrderedDict} of tensors that
 * {@code torch.load(path, weights_only=True)} and {@code load_state_dict} accept, written atomically (a
 * temporary file moved into place) like every jinn file.
 */
public final class TorchFiles {
    private TorchFiles() {
    }

    /**
     * Reads a file written by {@code torch.save}.
     *
     * @param path the file
     * @return its tensors, plain values and whole object
     * @throws TorchFileException when the file is refused (a global outside the allow-list, a defect)
     * @throws IOException        when it cannot be read
     */
    public static TorchFile read(Path path) throws IOException {
        return read(path, TorchStorages.DEFAULT_MMAP_THRESHOLD);
    }

    /**
     * Reads a file, memory-mapping storages of at least {@code mmapThreshold} bytes.
     *
     * @param path          the file
     * @param mmapThreshold the smallest storage that is memory-mapped
     * @return its contents
     * @throws IOException when the file cannot be read or is refused
     */
    static TorchFile read(Path path, long mmapThreshold) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            switch (sniff(ch)) {
                case ZIP: return TorchZipFormat.read(path, ch, mmapThreshold);
                case LEGACY: return TorchLegacyFormat.read(path, ch, mmapThreshold);
                default: throw new TorchFileException(path, "neither a zip archive nor a legacy pickle stream "
                        + "(not a torch.save file)");
            }
        } catch (StackOverflowError e) {
            throw new TorchFileException(path, "values nested too deeply to read", e);
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
            // Every bound is checked where it is read; this is the last line, so a defect nobody foresaw is
            // still a refused file rather than an unchecked exception escaping to the caller.
            throw new TorchFileException(path, "malformed (" + e + ")", e);
        }
    }

    /**
     * Whether a file looks like a {@code torch.save} file (a zip archive or a pickle stream) by its first
     * bytes, whatever its name. A safetensors file starts with its header length instead.
     *
     * @param path the file
     * @return true for a zip or pickle start
     * @throws IOException when the file cannot be read
     */
    public static boolean isTorchFile(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return sniff(ch) != Kind.OTHER;
        }
    }

    /**
     * Writes tensors as an {@code OrderedDict} in the zip format, atomically. Each tensor gets its own
     * contiguous storage in its own dtype (float32, float64, int64, bool); gradients are not written.
     *
     * @param path    the file to create or replace
     * @param tensors key → tensor, written in iteration order
     * @throws IOException when the file cannot be written (an existing file is then unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        long bytes = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Objects.requireNonNull(e.getKey(), "a tensor key");
            Objects.requireNonNull(e.getValue(), () -> "tensor '" + e.getKey() + "'");
            bytes += (long) e.getValue().numel() * e.getValue().dtype().byteSize();
        }
        if (bytes > ZipWriter.MAX_SIZE) {
            throw new IOException("cannot write " + path + ": " + bytes + " bytes of tensors need zip64 (over 4 GiB), "
                    + "which jinn does not write");
        }
        AtomicFile.write(path, ch -> TorchSaveWriter.write(ch, tensors));
    }

    /**
     * Reads the state dict of a file: a safetensors file or a {@code torch.save} file (told apart by content).
     * For a checkpoint dict the state dict is searched: the whole file when its top level holds only tensors,
     * else the first of {@code state_dict}, {@code model}, {@code model_state_dict} that is a dict of tensors,
     * else every tensor. A {@code prefix} (e.g. {@code model.}) takes the tensors under that key instead.
     *
     * @param path   the file
     * @param prefix the key whose tensors to take (with or without the trailing dot), or null to search
     * @return key → tensor, the prefix removed
     * @throws IOException when the file cannot be read, is refused, or has no tensor under the prefix
     */
    public static Map<String, Tensor> readStateDict(Path path, String prefix) throws IOException {
        if (!isTorchFile(path)) {
            return CheckpointSearch.underPrefix(path, SafeTensors.read(path).tensors(), prefix);
        }
        TorchFile file = read(path);
        return prefix == null ? CheckpointSearch.search(file) : CheckpointSearch.underPrefix(path, file.tensors(), prefix);
    }

    private enum Kind { ZIP, LEGACY, OTHER }

    /**
     * The kind by the first bytes. A safetensors file starts with an 8-byte header length and '{', so each test
     * also rules that out: a zip's byte 8 is its compression method (never '{'), and a legacy file's first
     * pickle is the 10-byte magic number (PROTO, an optional FRAME, then LONG1 of 10 bytes), whose bytes as a
     * header length would exceed what safetensors allows.
     */
    private static Kind sniff(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(32);
        while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        head.flip();
        int n = head.remaining();
        if (n >= 9 && head.getInt(0) == 0x504b0304 && head.get(8) != '{') {
            return Kind.ZIP;
        }
        if (n < 2 || (head.get(0) & 0xFF) != 0x80 || head.get(1) < 2 || head.get(1) > 5) {
            return Kind.OTHER;
        }
        int at = 2;
        if (n > at && (head.get(at) & 0xFF) == 0x95) {
            at += 9; // FRAME and its 8-byte length (protocol 4 and later)
        }
        return n >= at + 2 && (head.get(at) & 0xFF) == 0x8a && head.get(at + 1) == 10 ? Kind.LEGACY : Kind.OTHER;
    }
}
