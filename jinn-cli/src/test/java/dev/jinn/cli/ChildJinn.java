package dev.jinn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The jinn command in a child JVM on the test class path, for what an in-process run cannot show: a process
 * killed with SIGKILL mid-write ({@link Process#destroyForcibly()}), and two processes writing one file.
 */
final class ChildJinn {
    private ChildJinn() {
    }

    /** Starts {@code jinn args...}, its output going to {@code log}. */
    static Process start(Path log, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are about files, not speed
        cmd.add("-Djinn.threads=1");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until a condition holds, failing with the child's log when it does not within the time limit. */
    static void await(Process p, Path log, long seconds, String what, BooleanSupplier condition)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (!p.isAlive() || System.nanoTime() > end) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the child jinn did not reach '" + what + "' (alive: " + p.isAlive()
                        + "); its output:" + System.lineSeparator() + Files.readString(log));
            }
            Thread.sleep(5);
        }
    }

    /** Kills a child with SIGKILL (no shutdown hooks, no finally blocks) and waits for it to be gone. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly().waitFor();
    }
}
