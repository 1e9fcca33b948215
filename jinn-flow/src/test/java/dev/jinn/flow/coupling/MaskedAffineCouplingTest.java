package dev.jinn.flow.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.nn.Layer;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iResNetLab's RealNVP as a coupling module: conformance, its formula, the clip, the mask. */
class MaskedAffineCouplingTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    @Test
    void conformsWithTheChessboardAndAGivenMask() {
        FlowConformance.of("MaskedAffineCoupling (5,)", MaskedAffineCoupling.spec(4, 1.0, new Rng(16)),
                List.of(Shape.of(5)), List.of()).run();
        Tensor mask = Tensors.of(new float[] {0, 0, 1, 1}, 4);
        FlowConformance.of("MaskedAffineCoupling (4,) mask 0011, clip 0.5",
                (in, c) -> new MaskedAffineCoupling(in, null, null, 2, mask, 0.5, new Rng(17)), List.of(Shape.of(4)),
                List.of()).run();
    }

    @Test
    void followsItsFormula() {
        MaskedAffineCoupling nvp = new MaskedAffineCoupling(List.of(Shape.of(5)), null, null, 4, null, 1.0,
                new Rng(16));
        nvp.to(DType.FLOAT64);
        assertThat(nvp.mask().toDoubleArray()).containsExactly(1, 0, 1, 0, 1);
        assertThat(nvp.stateDict()).containsKeys("f_log_s.0.weight", "f_t.4.bias", "mask");
        Tensor x = Tensors.randn(new Rng(17), DType.FLOAT64, 4, 5);
        FlowResult r = nvp.forward(x);
        // step 1 keeps the even features and moves the odd ones by the networks' values at b⊙x (clip 1: tanh);
        // step 2 the other way round, with the same networks
        Layer fLogS = (Layer) nvp.child("f_log_s");
        Layer fT = (Layer) nvp.child("f_t");
        Tensor b = nvp.mask();
        Tensor keep = x.mul(b);
        Tensor s1 = fLogS.forward(keep).tanh();
        Tensor t1 = fT.forward(keep);
        Tensor free = b.neg().add(1.0);
        Tensor h1 = keep.add(free.mul(x.mul(s1.exp()).add(t1)));
        Tensor keep2 = h1.mul(free);
        Tensor s2 = fLogS.forward(keep2).tanh();
        Tensor t2 = fT.forward(keep2);
        Tensor y = keep2.add(b.mul(h1.mul(s2.exp()).add(t2)));
        assertThat(maxAbsDiff(r.output(), y)).isLessThan(1e-14);
        assertThat(maxAbsDiff(r.logDet(), free.mul(s1).sum(1).add(b.mul(s2).sum(1)))).isLessThan(1e-14);
        assertThat(maxAbsDiff(nvp.inverse(r.output()).output(), x)).isLessThan(1e-12);
    }

    @Test
    void theClipBoundsTheLogScaleAndTheMaskIsChecked() {
        // with huge scale outputs, |log-det| ≤ clip·dim (each value is scaled once per step)
        Linear big = new Linear(3, 3, true, new Rng(19));
        try (var g = Grad.disabled()) {
            big.weight().copyFrom(big.weight().mul(1000));
        }
        MaskedAffineCoupling clipped = new MaskedAffineCoupling(List.of(Shape.of(3)), big, null, 2,
                Tensors.of(new float[] {0, 1, 1}, 3), 0.25, null);
        FlowResult rc = clipped.forward(Tensors.randn(new Rng(20), 8, 3).mul(3));
        assertThat(rc.logDet().abs().max().item()).isLessThanOrEqualTo(0.25 * 3 + 1e-6).isGreaterThan(0.1);
        assertThatThrownBy(() -> new MaskedAffineCoupling(List.of(Shape.of(3)), null, null, 2,
                Tensors.of(new float[] {0, 2, 1}, 3), 1.0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zeros and ones");
        assertThatThrownBy(() -> MaskedAffineCoupling.spec(4, 1.0, null).build(List.of(Shape.of(3, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(dim,)");
        assertThatThrownBy(() -> MaskedAffineCoupling.spec(4, 0, null).build(List.of(Shape.of(3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clip > 0");
    }
}
