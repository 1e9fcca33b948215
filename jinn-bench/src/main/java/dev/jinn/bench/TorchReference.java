package dev.jinn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a PyTorch reference script of a suite and collects its {@code <suite> <case> torch_ms=<x>} lines. The
 * interpreter is {@code /usr/bin/python3} (Debian's, which has {@code python3-torch}) unless the system property
 * {@code jinn.bench.python} names another.
 */
final class TorchReference {
    private static final Pattern LINE = Pattern.compile("^\\S+ (\\S+) torch_ms=([0-9.]+)$");

    private TorchReference() {
    }

    /**
     * Runs the script and returns its medians; a failure is reported on standard error and gives an empty map.
     *
     * @param script  the script, relative to the working directory (the repository root under {@code ./bench})
     * @param threads the thread count to pass as {@code --threads}
     * @param extra   further arguments for the script
     * @return case → median milliseconds
     */
    static Map<String, Double> medians(String script, int threads, List<String> extra) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(Path.of(script))) {
            System.err.println("torch reference: " + script + " not found (run from the repository root)");
            return out;
        }
        List<String> command = new ArrayList<>(List.of(System.getProperty("jinn.bench.python", "/usr/bin/python3"),
                script, "--threads", Integer.toString(threads)));
        command.addAll(extra);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Matcher m = LINE.matcher(line.trim());
                    if (m.matches()) {
                        out.put(m.group(1), Double.parseDouble(m.group(2)));
                    }
                }
            }
            int rc = p.waitFor();
            if (rc != 0) {
                System.err.println("torch reference: " + String.join(" ", command) + " exited with " + rc);
            }
        } catch (IOException e) {
            System.err.println("torch reference: cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
