package dev.jinn.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bytes of a pickle stream with bounds-checked reads of the operand encodings pickle uses. Every length
 * read from the stream is checked against what is left before anything is allocated, so a declared size of
 * 2^60 bytes is a defect, not an {@link OutOfMemoryError}.
 */
final class PickleInput {
    /** Python ints in state dicts are small; a longer LONG operand is refused rather than parsed. */
    static final int MAX_INT_BYTES = 1024;

    private final Path file;
    private final ByteBuffer bytes;

    /**
     * Reads {@code bytes} from its position to its limit.
     *
     * @param file  the file, for messages
     * @param bytes the stream (its position advances as opcodes are read)
     */
    PickleInput(Path file, ByteBuffer bytes) {
        this.file = file;
        this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The number of bytes consumed so far. */
    int position() {
        return bytes.position();
    }

    TorchFileException defect(String problem) {
        return new TorchFileException(file, "pickle at byte " + bytes.position() + ": " + problem);
    }

    private void need(long n, String what) throws TorchFileException {
        if (n < 0 || n > bytes.remaining()) {
            throw defect("truncated: " + what + " needs " + (n < 0 ? "a negative number of" : n) + " bytes, "
                    + bytes.remaining() + " are left");
        }
    }

    int opcode() throws TorchFileException {
        need(1, "an opcode");
        return bytes.get() & 0xFF;
    }

    int u8() throws TorchFileException {
        need(1, "a 1-byte operand");
        return bytes.get() & 0xFF;
    }

    int u16() throws TorchFileException {
        need(2, "a 2-byte operand");
        return bytes.getShort() & 0xFFFF;
    }

    int i32() throws TorchFileException {
        need(4, "a 4-byte operand");
        return bytes.getInt();
    }

    long u32() throws TorchFileException {
        return i32() & 0xFFFF_FFFFL;
    }

    long i64() throws TorchFileException {
        need(8, "an 8-byte operand");
        return bytes.getLong();
    }

    /** BINFLOAT is the one big-endian operand. */
    double float64BigEndian() throws TorchFileException {
        need(8, "a float");
        return Double.longBitsToDouble(Long.reverseBytes(bytes.getLong()));
    }

    byte[] take(long n, String what) throws TorchFileException {
        need(n, what);
        byte[] out = new byte[(int) n];
        bytes.get(out);
        return out;
    }

    void skip(long n, String what) throws TorchFileException {
        need(n, what);
        bytes.position(bytes.position() + (int) n);
    }

    String utf8(long n) throws TorchFileException {
        byte[] raw = take(n, "a string");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw defect("a string that is not valid UTF-8");
        }
    }

    /** A newline-terminated ASCII line (GLOBAL's operands), at most 256 characters. */
    String line() throws TorchFileException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7E || sb.length() >= 256) {
                throw defect("a GLOBAL name that is not a short line of printable ASCII");
            }
            sb.append((char) c);
        }
    }

    /** LONG1/LONG4: a little-endian two's-complement integer of {@code n} bytes; Long when it fits. */
    Object littleEndianInteger(long n) throws TorchFileException {
        if (n > MAX_INT_BYTES) {
            throw defect("an integer of " + n + " bytes (at most " + MAX_INT_BYTES + " are accepted)");
        }
        byte[] le = take(n, "an integer");
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    static String latin1(byte[] raw) {
        return StandardCharsets.ISO_8859_1.decode(ByteBuffer.wrap(raw)).toString();
    }
}
