package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.model.Architecture;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor-side model cache keeps a bounded number of models and cleans up after the ones it drops. */
class ExecutorModelsTest {
    @TempDir
    Path dir;

    private ModelBytes model(long seed) throws IOException {
        ModelConfig c = new ModelConfig(Architecture.ALLINONE, 1, 4, 2, 0, seed);
        DataTransform t = new DataTransform(List.of("a", "b"), new double[] {0, 0}, new double[] {1, 1}, 0,
                ConditionEncoding.NONE);
        Path f = dir.resolve("m" + seed + ".safetensors");
        new ModelFile(c, t, Map.of(), c.build()).save(f);
        return ModelBytes.of(f.toString(), Files.readAllBytes(f));
    }

    @Test
    void onlyTheMostRecentlyUsedModelsAreKeptAndDroppedOnesLoseTheirFile() throws IOException {
        List<ModelBytes> models = new ArrayList<>();
        for (int i = 0; i <= ExecutorModels.MODELS_KEPT; i++) {
            models.add(model(100 + i));
        }
        ModelBytes first = models.get(0);
        ModelFile loaned = ExecutorModels.borrow(first);
        Path firstFile = ExecutorModels.heldFile(first);
        assertThat(firstFile).exists();
        for (ModelBytes m : models.subList(1, models.size())) {
            ExecutorModels.release(m, ExecutorModels.borrow(m));
        }
        // One model more than the cache holds: the least recently used, the first, is dropped with its file.
        assertThat(ExecutorModels.heldFile(first)).isNull();
        assertThat(firstFile).doesNotExist();
        for (ModelBytes m : models.subList(1, models.size())) {
            assertThat(ExecutorModels.heldFile(m)).exists();
        }
        // A copy still on loan when its pool went is let go on return, and the model loads again when asked for.
        ExecutorModels.release(first, loaned);
        assertThat(ExecutorModels.heldFile(first)).isNull();
        ModelFile again = ExecutorModels.borrow(first);
        assertThat(again.config()).isEqualTo(loaned.config());
        assertThat(ExecutorModels.heldFile(first)).exists();
        assertThat(ExecutorModels.heldFile(models.get(1))).isNull();
    }

    @Test
    void aReleasedCopyIsLentAgainInsteadOfLoadingAnother() throws IOException {
        ModelBytes m = model(7);
        ModelFile a = ExecutorModels.borrow(m);
        ModelFile b = ExecutorModels.borrow(m);
        assertThat(b).isNotSameAs(a);
        ExecutorModels.release(m, a);
        assertThat(ExecutorModels.borrow(m)).isSameAs(a);
    }
}
