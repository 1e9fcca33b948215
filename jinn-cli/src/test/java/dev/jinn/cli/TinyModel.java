package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** A moons model of one block and 38 parameters, trained for five steps: enough for tests about files. */
final class TinyModel {
    private TinyModel() {
    }

    /** Trains it into {@code dir/m.safetensors} (checkpoint {@code dir/m.ckpt.safetensors}, at step 5). */
    static Path train(Path dir) {
        Path model = dir.resolve("m.safetensors");
        CliRunner r = CliRunner.run("train", "--data", "moons", "--blocks", "1", "--hidden", "8", "--steps", "5",
                "--out", model.toString(), "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        return model;
    }
}
