package dev.jinn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.Linear;
import dev.jinn.nn.Sequential;
import dev.jinn.nn.Tanh;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains a small MLP regression with Adam, saves it, reloads it into a fresh network: same predictions. */
class EndToEndRegressionTest {
    private static Sequential mlp(Rng rng) {
        return new Sequential(new Linear(1, 32, true, rng), new Tanh(), new Linear(32, 32, true, rng), new Tanh(),
                new Linear(32, 1, true, rng));
    }

    @Test
    void fitsSineSavesAndReloadsToIdenticalPredictions(@TempDir Path dir) throws Exception {
        Rng rng = new Rng(3);
        Tensor x = Tensors.linspace(-2, 2, 256).reshape(256, 1);
        Tensor y = x.mul(2.0).sin();
        Sequential net = mlp(rng);
        Adam opt = new Adam(net.parameters(), 1e-2);
        double loss = Double.NaN;
        for (int step = 0; step < 800; step++) {
            Tensor l = net.forward(x).sub(y).square().mean();
            opt.zeroGrad();
            l.backward();
            opt.step();
            loss = l.item();
        }
        // sin(2x) has variance of about 0.5 on [-2, 2]; a fitted network explains nearly all of it.
        assertThat(loss).isLessThan(5e-3);

        Path file = dir.resolve("mlp.safetensors");
        net.save(file);
        Sequential restored = mlp(new Rng(99));
        Tensor probe = Tensors.randn(new Rng(5), 64, 1);
        try (var g = Grad.disabled()) {
            assertThat(restored.forward(probe).toFloatArray()).isNotEqualTo(net.forward(probe).toFloatArray());
            restored.load(file);
            assertThat(restored.forward(probe).toFloatArray()).containsExactly(net.forward(probe).toFloatArray());
        }
    }
}
