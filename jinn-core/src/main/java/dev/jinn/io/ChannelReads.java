package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional reads of a byte range into the heap, where a short file is a defect of the file. */
final class ChannelReads {
    private ChannelReads() {
    }

    /**
     * Reads {@code length} bytes at {@code position}.
     *
     * @param what what is being read, for the message
     * @return a buffer positioned at 0 holding the bytes (big-endian, as every new buffer)
     * @throws TorchFileException when the file ends first
     */
    static ByteBuffer readAt(Path file, FileChannel ch, long position, int length, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new TorchFileException(file, "the file ended at byte " + pos + " inside " + what + " (truncated)");
            }
            pos += n;
        }
        return buf.flip();
    }
}
