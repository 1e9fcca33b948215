package dev.jinn.spark;

import dev.jinn.model.ModelFile;
import dev.jinn.train.TrainResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * The outcome of a {@link DistributedTrainer} run.
 *
 * @param model        the trained model, a normal jinn model file (its provenance says it was trained on Spark)
 * @param training     the driver's trainer result (steps, loss history)
 * @param heldOutNll   the held-out NLL in data units (nats per row), NaN without held-out rows
 * @param trainingRows the rows trained on, over all partitions
 * @param heldOutRows  the held-out rows
 * @param partitions   the partitions of the table
 * @param msPerStep    the mean wall time of one step of this run, in milliseconds
 */
public record SparkTrainResult(ModelFile model, TrainResult training, double heldOutNll, long trainingRows,
        long heldOutRows, int partitions, double msPerStep) {
    /**
     * Writes the model file to any Hadoop path (a temporary file beside it, then renamed, so readers never see
     * half a file).
     *
     * @param spark the session whose Hadoop configuration opens the path
     * @param path  the model file to write
     * @throws UncheckedIOException when it cannot be written
     */
    public void save(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
        try {
            java.nio.file.Path local = Files.createTempFile("jinn-model-", ".safetensors");
            try {
                model.save(local);
                FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
                org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
                        "." + target.getName() + ".tmp");
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
                if (fs.exists(target) && !fs.delete(target, false)) {
                    throw new IOException("cannot replace " + path);
                }
                if (!fs.rename(tmp, target)) {
                    throw new IOException("cannot rename " + tmp + " to " + path);
                }
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model file " + path + ": " + e.getMessage(), e);
        }
    }
}
