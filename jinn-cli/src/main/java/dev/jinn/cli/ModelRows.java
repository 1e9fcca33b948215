package dev.jinn.cli;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.cli.data.CsvData;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file and the rows of a CSV file streamed through its input encoding in batches (data units → model
 * units, conditions encoded): what {@code score} and {@code invert} read. Memory stays constant whatever the
 * file's size.
 */
final class ModelRows implements Closeable {
    /**
     * One batch of rows.
     *
     * @param chunk the rows as read, with their line numbers
     * @param batch the model's inputs made from them
     */
    record Item(CsvData.Chunk chunk, Batch batch) {
    }

    private final ModelFile model;
    private final CsvData in;
    private final int batch;

    private ModelRows(ModelFile model, CsvData in, int batch) {
        this.model = model;
        this.in = in;
        this.batch = batch;
    }

    /**
     * Loads the model and opens the data file, which must hold the model's columns (and its condition column, for
     * a conditional model).
     *
     * @param modelFile the model file
     * @param data      the CSV file
     * @param batch     rows per batch, already checked ({@link RowsInput#batch()})
     * @return the model and its rows
     * @throws IOException when a file cannot be read or does not fit
     */
    static ModelRows open(Path modelFile, Path data, int batch) throws IOException {
        ModelFile m = ModelFile.load(modelFile);
        return new ModelRows(m, CsvData.open(data, m.transform().columns(), m.transform().condition().column()),
                batch);
    }

    /** The loaded model file. */
    ModelFile model() {
        return model;
    }

    /** The next batch, or null after the last row. */
    Item next() throws IOException {
        CsvData.Chunk c = in.next(batch);
        if (c.size() == 0) {
            return null;
        }
        Tensor x = model.transform().toModel(c.rows());
        ConditionEncoding enc = model.transform().condition();
        Batch b = enc.kind() == ConditionEncoding.Kind.NONE ? Batch.of(x)
                : Batch.of(x, Tensors.of(in.encodeConditions(c, enc), c.size(), enc.dims()));
        return new Item(c, b);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
