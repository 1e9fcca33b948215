package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the target holds the old or the complete new contents, and leftovers are cleaned up. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("out.bin");
        AtomicFile.write(f, ch -> ch.write(ByteBuffer.wrap("old".getBytes(StandardCharsets.UTF_8))));
        assertThatThrownBy(() -> AtomicFile.write(f, ch -> {
            ch.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(files()).isEqualTo(1);
    }

    @Test
    void aStreamedOutputAppearsOnlyOnCommit() throws IOException {
        Path f = dir.resolve("scores.csv");
        Files.writeString(f, "previous\n");
        try (AtomicOutput out = AtomicOutput.open(f)) {
            out.writer().write("line,score\n");
            out.writer().flush();
            assertThat(Files.readString(f)).isEqualTo("previous\n");
            assertThat(files()).isEqualTo(2);
        } // closed without a commit: discarded
        assertThat(Files.readString(f)).isEqualTo("previous\n");
        assertThat(files()).isEqualTo(1);
        try (AtomicOutput out = AtomicOutput.open(f)) {
            out.writer().write("line,score\n2,-1.5\n");
            out.commit();
        }
        assertThat(Files.readString(f)).isEqualTo("line,score\n2,-1.5\n");
        assertThat(files()).isEqualTo(1);
    }

    @Test
    void staleTemporaryFilesAreRemovedButLiveOnesAndOthersKept() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Path stale = dir.resolve(".model.safetensors.0123456789ab.tmp");
        Path otherTarget = dir.resolve(".other.safetensors.0123456789ab.tmp");
        Path notOurs = dir.resolve(".model.safetensors.backup.tmp");
        for (Path p : new Path[] {stale, otherTarget, notOurs}) {
            Files.writeString(p, "left by a killed run");
        }
        try (AtomicOutput live = AtomicOutput.open(f)) {
            assertThat(stale).doesNotExist(); // opening a new output cleans up first
            Files.writeString(stale, "again");
            assertThat(AtomicFile.removeStale(f)).isEqualTo(1);
            assertThat(stale).doesNotExist();
            assertThat(otherTarget).exists();
            assertThat(notOurs).exists();
            assertThat(files()).isEqualTo(3); // the live temporary file is still there
            live.commit();
        }
        assertThat(f).exists();
    }

    @Test
    void targetNamesWithGlobCharactersAreCleanedUpToo() throws IOException {
        Path f = dir.resolve("scores[1]{a.csv");
        Path stale = dir.resolve(".scores[1]{a.csv.0123456789ab.tmp");
        Files.writeString(stale, "left by a killed run");
        Files.writeString(dir.resolve(".scores1a.csv.0123456789ab.tmp"), "another target's");
        assertThat(AtomicFile.removeStale(f)).isEqualTo(1);
        assertThat(stale).doesNotExist();
        assertThat(files()).isEqualTo(1);
    }

    @Test
    void aDirectoryIsNotATarget() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d"));
        assertThatThrownBy(() -> AtomicOutput.open(d)).hasMessageContaining("it is a directory");
    }
}
