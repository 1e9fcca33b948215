package dev.jinn.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A model file's bytes as read once on the driver, with their SHA-256: what is broadcast to the executors, which
 * rebuild the flow from it once per JVM ({@link ExecutorModels}, keyed by the hash, so two paths holding the same
 * file share one model and a rewritten file at the same path is never mistaken for the old one).
 *
 * @param source where the bytes were read from, for messages
 * @param bytes  the safetensors file
 * @param sha256 the hex digest of {@code bytes}
 */
record ModelBytes(String source, byte[] bytes, String sha256) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Reads a model file from any path Hadoop can open ({@code file:}, {@code hdfs:}, {@code s3a:}, … or a plain
     * local path).
     *
     * @param spark the session whose Hadoop configuration opens the path
     * @param path  the model file
     * @return the bytes and their digest
     * @throws UncheckedIOException naming the path when it cannot be read
     */
    static ModelBytes read(SparkSession spark, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("no model file: set the model path (setModelPath) to a file written by"
                    + " jinn train or DistributedTrainer");
        }
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new IOException("no such model file");
            }
            if (fs.getFileStatus(p).isDirectory()) {
                throw new IOException("it is a directory, not a model file");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = fs.open(p)) {
                in.transferTo(out);
            }
            return of(path, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Wraps bytes already in memory.
     *
     * @param source a name for messages
     * @param bytes  the file's content
     * @return the bytes with their digest
     */
    static ModelBytes of(String source, byte[] bytes) {
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new ModelBytes(source, bytes, hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
