package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jinn.io.AtomicFile;
import dev.jinn.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No lost data: an error or a kill never leaves a partial file under an output's name nor destroys the previous
 * one, the next run cleans up what a killed one left, and a second writer of the same file is refused.
 */
class CliOutputSafetyTest {
    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainATinyModel() {
        model = TinyModel.train(shared);
    }

    private static String rows(int n) {
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            sb.append(i % 7 * 0.25).append(',').append(i % 5 * 0.2).append('\n');
        }
        return sb.toString();
    }

    private static String[] tinyTrain(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data", "moons", "--blocks", "1", "--hidden",
                "8", "--batch", "16", "--out", out.toString(), "--progress", "none"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void anErrorHalfwayThroughScoringKeepsThePreviousScores() throws IOException {
        Path data = Files.writeString(dir.resolve("d.csv"), rows(3000) + "1,oops\n");
        Path out = Files.writeString(dir.resolve("scores.csv"), "previous\n");
        CliRunner r = CliRunner.run("score", "--model", model.toString(), "--data", data.toString(), "--out",
                out.toString(), "--batch", "100");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(data + ":3002:2 (column 'y'): 'oops' is not a number");
        assertThat(Files.readString(out)).isEqualTo("previous\n");
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }

    @Test
    void aReadOnlyDirectoryIsRefusedBeforeTraining() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "this user (root?) may write in read-only directories");
            CliRunner r = CliRunner.run(tinyTrain(ro.resolve("m.safetensors"), "--steps", "100000"));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("jinn train: error: --out " + ro.resolve("m.safetensors")
                    + ": cannot write in the directory " + ro + " (permission denied)" + System.lineSeparator());
            assertThat(r.out()).doesNotContain("training"); // refused before any work
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aDirectoryNobodyMayWriteInIsRefusedBeforeTrainingEvenForRoot() {
        // sysfs refuses new files to every user, root included, so this row runs where the one above cannot.
        Path sys = Path.of("/sys");
        assumeTrue(Files.isDirectory(sys), "a Linux sysfs");
        CliRunner r = CliRunner.run(tinyTrain(sys.resolve("m.safetensors"), "--steps", "100000"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jinn train: error: --out " + sys.resolve("m.safetensors")
                + ": cannot write in the directory " + sys + " (permission denied)" + System.lineSeparator());
        assertThat(r.out()).doesNotContain("training");
    }

    @Test
    void aSecondWriterOfTheSameFileIsRefusedWhileTheFirstRuns() throws Exception {
        Path out = dir.resolve("m.safetensors");
        Path log = dir.resolve("child.log");
        Process first = ChildJinn.start(log, tinyTrain(out, "--steps", "1000000", "--checkpoint-every", "0"));
        try {
            ChildJinn.await(first, log, 60, "training started", () -> {
                try {
                    return Files.readString(log).contains("training ");
                } catch (IOException e) {
                    return false;
                }
            });
            CliRunner second = CliRunner.run(tinyTrain(out, "--steps", "2"));
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err()).isEqualTo("jinn train: error: --out " + out + ": another jinn run is writing this"
                    + " file (it holds the lock " + OutputLock.lockFile(out) + "); wait for it to finish or choose"
                    + " another file" + System.lineSeparator());
            CliRunner scorer = CliRunner.run("score", "--model", model.toString(), "--data",
                    Files.writeString(dir.resolve("d.csv"), rows(3)).toString(), "--out", out.toString());
            assertThat(scorer.code()).isEqualTo(1);
            assertThat(scorer.err()).contains("another jinn run is writing this file");
            assertThat(out).doesNotExist();
        } finally {
            ChildJinn.kill(first);
        }
        // The kernel dropped the killed run's lock: the file can be written again, and no lock file remains.
        CliRunner again = CliRunner.run(tinyTrain(out, "--steps", "2"));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).containsOnlyOnce("wrote " + out);
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }

    @Test
    void killingTrainingKeepsThePreviousModelAndTheRunResumesFromItsCheckpoint() throws Exception {
        Path out = dir.resolve("m.safetensors");
        Files.copy(model, out);
        byte[] previous = Files.readAllBytes(out);
        Path ckpt = dir.resolve("m.ckpt.safetensors");
        Path log = dir.resolve("child.log");
        Process p = ChildJinn.start(log, tinyTrain(out, "--steps", "1000000", "--checkpoint-every", "20"));
        try {
            ChildJinn.await(p, log, 60, "a checkpoint", () -> Files.exists(ckpt));
            Thread.sleep(300); // into the run, with more checkpoints being written
        } finally {
            ChildJinn.kill(p);
        }
        assertThat(Files.readAllBytes(out)).as("the previous model").isEqualTo(previous);
        long step = Long.parseLong(SafeTensors.read(ckpt).metadata().get("jinn.checkpoint.step")); // complete
        assertThat(step).isPositive();
        CliRunner resumed = CliRunner.run(tinyTrain(out, "--steps", Long.toString(step + 5), "--resume",
                ckpt.toString()));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(SafeTensors.read(out).metadata()).containsEntry("jinn.provenance.steps", Long.toString(step + 5));
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }

    @Test
    void killingScoringKeepsThePreviousScoresAndTheNextRunRemovesTheStaleFile() throws Exception {
        Path data = Files.writeString(dir.resolve("d.csv"), rows(100_000));
        Path out = Files.writeString(dir.resolve("scores.csv"), "previous\n");
        Path log = dir.resolve("child.log");
        // One row per batch keeps the child busy for many seconds, writing as it goes.
        Process p = ChildJinn.start(log, "score", "--model", model.toString(), "--data", data.toString(), "--out",
                out.toString(), "--batch", "1");
        try {
            ChildJinn.await(p, log, 60, "scores streaming into a temporary file", () -> {
                List<String> tmp = TestDirs.temporaries(dir, "scores.csv");
                try {
                    return tmp.size() == 1 && Files.size(dir.resolve(tmp.get(0))) > 0;
                } catch (IOException e) {
                    return false;
                }
            });
            // A live writer's temporary file is locked: clean-up from another process leaves it alone.
            assertThat(AtomicFile.removeStale(out)).isZero();
            assertThat(TestDirs.temporaries(dir, "scores.csv")).hasSize(1);
        } finally {
            ChildJinn.kill(p);
        }
        assertThat(Files.readString(out)).isEqualTo("previous\n");
        List<String> stale = TestDirs.temporaries(dir, "scores.csv");
        assertThat(stale).hasSize(1);

        Path small = Files.writeString(dir.resolve("small.csv"), rows(50));
        CliRunner r = CliRunner.run("score", "--model", model.toString(), "--data", small.toString(), "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(51);
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }
}
