package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Whole-buffer reads and writes on a file channel, which may transfer fewer bytes than asked per call. */
final class ChannelIO {
    private ChannelIO() {
    }

    /**
     * Fills {@code buf} from {@code position} on.
     *
     * @throws SafeTensorsException when the file ends first (it was truncated while being read)
     */
    static void readFully(Path path, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new SafeTensorsException(path, null, "the file ended at byte " + pos
                        + " while reading (was it changed meanwhile?)");
            }
            pos += n;
        }
    }

    /** Writes all of {@code buf} at the channel's position. */
    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
