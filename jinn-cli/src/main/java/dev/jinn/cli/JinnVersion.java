package dev.jinn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of jinn, filled in by the build (for provenance and {@code --version}). */
final class JinnVersion {
    private JinnVersion() {
    }

    /**
     * The version string.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} when the build left no record
     */
    static String get() {
        try (InputStream in = JinnVersion.class.getResourceAsStream("jinn.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
