package dev.jinn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import dev.jinn.nn.Linear;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.Sequential;
import dev.jinn.optim.Adam;
import dev.jinn.optim.CosineAnnealingLR;
import dev.jinn.optim.GradClip;
import dev.jinn.optim.ParamGroup;
import dev.jinn.optim.SGD;
import dev.jinn.optim.SGDOptions;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's code, as written there, so the examples stay true. */
class ReadmeExamplesTest {
    @Test
    void firstTaste() {
        Rng rng = new Rng(42);
        Tensor w = Tensors.randn(rng, 2, 3).requiresGrad(true);
        Tensor x = Tensors.randn(rng, 100, 2);
        Tensor loss = x.matmul(w).tanh().square().mean();
        loss.backward();
        assertThat(w.grad().shape()).containsExactly(2, 3);

        try (var g = Grad.disabled()) {
            Tensor y = x.matmul(w).softmax(1);
            assertThat(y.requiresGrad()).isFalse();
        }

        Tensor v = Tensors.randn(rng, DType.FLOAT64, 3).requiresGrad(true);
        Tensor dv = Grad.grad(v.pow(3).sum(), v, true);
        assertThat(dv.allClose(v.square().mul(3.0), 1e-12, 0)).isTrue();
        GradCheck.withTolerances(1e-7, 1e-6).secondOrder(true).verify(in -> in[0].sin().prod(), v);
    }

    @Test
    void networksOptimizersAndFiles(@TempDir Path dir) throws Exception {
        Tensor x = Tensors.randn(new Rng(1), 100, 2);
        var net = new Sequential(new Linear(2, 512), new ReLU(), new Linear(512, 2));
        var opt = new Adam(net.parameters(), 1e-3);
        Tensor loss = net.forward(x).square().mean();
        opt.zeroGrad();
        loss.backward();
        GradClip.clipGradNorm(net.parameters(), 1.0, 2.0, true);
        opt.step();
        net.save(dir.resolve("net.safetensors"));
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(dir.resolve("net.safetensors")).exists();
    }

    @Test
    void typedOptimizerOptionsPerGroup() {
        var body = new Linear(2, 512);
        var head = new Linear(512, 2);
        var sgd = SGD.builder(1e-2).momentum(0.9).buildGroups(List.of(
                ParamGroup.of(body.parameters()),
                ParamGroup.of(head.parameters(), o -> o.withLr(1e-3))));
        var schedule = new CosineAnnealingLR(sgd, 100);
        sgd.paramGroups().get(1).update(o -> o.withMomentum(0.5));
        assertThat(sgd.paramGroups().get(0).options()).isEqualTo(new SGDOptions(1e-2, 0.9, 0, 0, false, false));
        assertThat(sgd.paramGroups().get(1).options()).isEqualTo(new SGDOptions(1e-3, 0.5, 0, 0, false, false));
        schedule.step();
        assertThat(sgd.lr(1)).isLessThan(1e-3).isEqualTo(schedule.lastLr()[1]);
        assertThat(sgd.paramGroups().get(1).initialLr()).hasValue(1e-3);
    }
}
