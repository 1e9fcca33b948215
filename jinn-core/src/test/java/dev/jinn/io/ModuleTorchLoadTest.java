package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.nn.BatchNorm1d;
import dev.jinn.nn.Linear;
import dev.jinn.nn.Module;
import dev.jinn.nn.Sequential;
import dev.jinn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Module#load} takes {@code torch.save} files as it takes safetensors: told apart by content, strict,
 * with the state dict found inside a checkpoint, and nothing changed when the file does not fit.
 */
class ModuleTorchLoadTest {
    @TempDir
    Path dir;

    /** The fixture's architecture: {@code Sequential(Linear(3, 4), BatchNorm1d(4), Linear(4, 2))}. */
    private static Sequential model() {
        return new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
    }

    private static Map<String, double[]> values(Module m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> out.put(k, t.toDoubleArray()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.pt", "state_dict_legacy.pt", "checkpoint_zip.pt", "checkpoint_legacy.pt"})
    void loadsTorchsStateDictPlainOrFromACheckpoint(String name) throws Exception {
        Sequential m = model();
        m.load(TorchFixture.path(name));
        Map<String, TorchFixture.Expected> expected = TorchFixture.expected("state_dict");
        if (name.startsWith("checkpoint")) {
            // The checkpoint's model trained two more Adam steps, so its weights differ from the plain state dict's.
            assertThat(m.stateDict().get("0.weight").toDoubleArray()).isNotEqualTo(expected.get("0.weight").values());
            assertThat(m.stateDict().get("0.weight").toDoubleArray()).containsExactly(
                    TorchFiles.read(TorchFixture.path(name)).tensor("model_state_dict.0.weight").toDoubleArray());
        } else {
            for (Map.Entry<String, TorchFixture.Expected> e : expected.entrySet()) {
                assertThat(m.stateDict().get(e.getKey()).toDoubleArray()).as(e.getKey())
                        .containsExactly(e.getValue().values());
            }
        }
        // One training forward before the save, two more in the checkpoint's Adam steps.
        assertThat(m.stateDict().get("1.num_batches_tracked").item()).isEqualTo(name.startsWith("checkpoint") ? 3.0 : 1.0);
    }

    @Test
    void aPrefixPicksTheStateDict() throws Exception {
        Sequential m = model();
        m.load(TorchFixture.path("checkpoint_zip.pt"), true, "model_state_dict.");
        Tensor expected = TorchFiles.read(TorchFixture.path("checkpoint_zip.pt")).tensor("model_state_dict.2.bias");
        assertThat(m.stateDict().get("2.bias").toDoubleArray()).containsExactly(expected.toDoubleArray());
    }

    @Test
    void torchFilesAreRecognisedByContentWhateverTheirName() throws Exception {
        Path renamed = dir.resolve("weights.safetensors");
        Files.copy(TorchFixture.path("state_dict_legacy.pt"), renamed);
        Sequential m = model();
        m.load(renamed);
        assertThat(m.stateDict().get("0.bias").toDoubleArray())
                .containsExactly(TorchFixture.expected("state_dict").get("0.bias").values());
    }

    @Test
    void aFileThatDoesNotFitOrIsRefusedLeavesTheModuleUnchanged() throws Exception {
        Linear wrong = new Linear(3, 4);
        Map<String, double[]> before = values(wrong);
        assertThatThrownBy(() -> wrong.load(TorchFixture.path("state_dict_zip.pt")))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("state_dict_zip.pt").hasMessageContaining("0.weight");
        assertThatThrownBy(() -> wrong.load(TorchFixture.path("hostile_os_system_zip.pt")))
                .isInstanceOf(TorchFileException.class).hasMessageContaining("posix.system");
        assertThat(values(wrong)).usingRecursiveComparison().isEqualTo(before);
        Sequential shapes = new Sequential(new Linear(3, 5), new BatchNorm1d(5), new Linear(5, 2));
        assertThatThrownBy(() -> shapes.load(TorchFixture.path("state_dict_legacy.pt")))
                .isInstanceOf(StateDictException.class).hasMessageContaining("0.weight");
    }

    @Test
    void jinnsOwnTorchFilesLoadBack() throws Exception {
        Sequential source = model();
        Path file = dir.resolve("mine.pth");
        TorchFiles.write(file, source.stateDict());
        Sequential target = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
        target.load(file);
        assertThat(values(target)).usingRecursiveComparison().isEqualTo(values(source));
    }
}
