package dev.jinn.flow.freia;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Grad;
import dev.jinn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FrEIA checkpoints load into the equivalent jinn models and reproduce FrEIA's numbers: each fixture was written
 * by FrEIA itself ({@code jinn-flow/scripts/freia_fixtures.py}); the jinn model is built from the recorded
 * architecture, converted to float64, loaded strictly from FrEIA's state dict, and must give FrEIA's forward
 * outputs and log-det, and FrEIA's reverse outputs and log-det, to 1e-12.
 */
class FreiaCheckpointTest {
    /** Relative to the size of the value (|a − b| ≤ TOL·(1 + |b|)); both sides are float64 end to end. */
    private static final double TOL = 1e-12;

    @Test
    void allInOneSequenceReproducesFreia() {
        checkSequence(FreiaFixture.load("allinone_sequence"));
    }

    @Test
    void glowPermuteActNormChainReproducesFreia() {
        FreiaFixture f = FreiaFixture.load("glow_permute_actnorm");
        SequenceINN inn = FreiaModels.sequence(f.architecture());
        // Before anything is loaded: a seeded PermuteRandom draws numpy's permutation, as FrEIA's does.
        for (String module : List.of("module_list.1.", "module_list.4.")) {
            assertThat(inn.stateDict().get(module + "perm").toLongArray()).as(module + "perm")
                    .containsExactly(f.state().get(module + "perm").toLongArray());
            assertThat(inn.stateDict().get(module + "perm_inv").toLongArray()).as(module + "perm_inv")
                    .containsExactly(f.state().get(module + "perm_inv").toLongArray());
        }
        checkSequence(f, inn);
    }

    private static void checkSequence(FreiaFixture f) {
        checkSequence(f, FreiaModels.sequence(f.architecture()));
    }

    private static void checkSequence(FreiaFixture f, SequenceINN inn) {
        inn.to(DType.FLOAT64);
        inn.loadStateDict(f.state(), true);
        try (var g = Grad.disabled()) {
            FlowResult fwd = inn.forward(f.inputs().get(0), f.conditions());
            assertClose(f.name() + " forward output", fwd.output(), f.outputs().get(0));
            assertClose(f.name() + " forward log-det", fwd.logDet(), f.logDet());
            FlowResult rev = inn.inverse(f.outputs().get(0), f.conditions());
            assertClose(f.name() + " reverse output", rev.output(), f.reverseOutputs().get(0));
            assertClose(f.name() + " reverse log-det", rev.logDet(), f.reverseLogDet());
        }
    }

    static void assertClose(String what, List<Tensor> actual, List<Tensor> expected) {
        assertThat(actual).as(what + " count").hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertClose(what + " " + i, actual.get(i), expected.get(i));
        }
    }

    static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        assertThat(actual.dtype()).as(what + " dtype").isEqualTo(DType.FLOAT64);
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i]));
            if (Double.isNaN(err)) {
                worst = Double.POSITIVE_INFINITY;
                at = i;
                break;
            }
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertThat(worst).as("%s: worst relative error at flat index %d (jinn %s, FrEIA %s)", what, at,
                at < 0 ? "-" : a[at], at < 0 ? "-" : e[at]).isLessThanOrEqualTo(TOL);
    }
}
