package dev.jinn.flow.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.nn.Init;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Nll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BatchInferenceTest {
    private static final int ROWS = 1000;
    private static final int BLOCK = 128;

    /** The moons quick-start shape, smaller subnets, trained a little away from the identity by its init. */
    private static SequenceINN moons(DType dtype, int condDims) {
        Init.manualSeed(3);
        Rng rng = new Rng(3);
        SequenceINN inn = new SequenceINN(2);
        for (int k = 0; k < 4; k++) {
            var spec = AllInOneBlock.builder().subnet(Subnets.mlp(32)).permuteSoft(true).rng(rng.split());
            if (condDims > 0) {
                inn.append(spec, 0, condDims);
            } else {
                inn.append(spec);
            }
        }
        // Non-trivial parameters: a log-det of zero would hide errors in it.
        try (var g = Grad.disabled()) {
            for (Tensor p : inn.parameters()) {
                p.copyFrom(p.add(Tensors.randn(rng, p.dtype(), p.shape()).mul(0.3)));
            }
        }
        inn.to(dtype);
        inn.eval();
        return inn;
    }

    private static Tensor rows(DType dtype, int n, int dims, long seed) {
        return Tensors.randn(new Rng(seed), dtype, n, dims).mul(1.5);
    }

    /** log p(x) by the training path: a recorded forward pass and the NLL of dev.jinn.train. */
    private static double[] autogradLogLikelihood(SequenceINN inn, Tensor x, List<Tensor> c) {
        return Nll.perSample(inn.forward(x, c)).neg().to(DType.FLOAT64).toDoubleArray();
    }

    @Test
    void float64LogLikelihoodEqualsTheAutogradPathToRounding() {
        SequenceINN inn = moons(DType.FLOAT64, 0);
        Tensor x = rows(DType.FLOAT64, ROWS, 2, 5);
        double[] expected = autogradLogLikelihood(inn, x, List.of());
        double[] actual = new BatchInference(inn, BLOCK).logLikelihood(x, List.of());
        assertThat(actual).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
            assertThat(actual[i]).as("row %d", i).isCloseTo(expected[i], within(1e-12 * Math.max(1, Math.abs(expected[i]))));
        }
        assertThat(spread(expected)).as("the rows' log-likelihoods differ (a real test)").isGreaterThan(1);
    }

    @Test
    void float32LogLikelihoodIsCloseToTheAutogradPath() {
        SequenceINN inn = moons(DType.FLOAT32, 0);
        Tensor x = rows(DType.FLOAT32, ROWS, 2, 6);
        double[] expected = autogradLogLikelihood(inn, x, List.of());
        double[] actual = new BatchInference(inn, BLOCK).logLikelihood(x, List.of());
        for (int i = 0; i < ROWS; i++) {
            assertThat(actual[i]).as("row %d", i).isCloseTo(expected[i], within(1e-4 * Math.max(1, Math.abs(expected[i]))));
        }
    }

    @Test
    void conditionsAreCutWithTheirRows() {
        SequenceINN inn = moons(DType.FLOAT64, 3);
        Tensor x = rows(DType.FLOAT64, ROWS, 2, 7);
        Tensor c = rows(DType.FLOAT64, ROWS, 3, 8);
        double[] expected = autogradLogLikelihood(inn, x, List.of(c));
        double[] actual = new BatchInference(inn, BLOCK).logLikelihood(x, List.of(c));
        for (int i = 0; i < ROWS; i++) {
            assertThat(actual[i]).as("row %d", i).isCloseTo(expected[i], within(1e-12 * Math.max(1, Math.abs(expected[i]))));
        }
    }

    @Test
    void theInverseEqualsTheFlowsInverseAndRecordsNothing() {
        SequenceINN inn = moons(DType.FLOAT64, 0);
        Tensor z = rows(DType.FLOAT64, ROWS, 2, 9);
        FlowResult expected = inn.inverse(z);
        FlowResult actual = new BatchInference(inn, BLOCK).inverse(z, List.of());
        assertClose(actual.output().toDoubleArray(), expected.output().toDoubleArray(), 1e-12);
        assertClose(actual.logDet().toDoubleArray(), expected.logDet().toDoubleArray(), 1e-12);
        assertThat(expected.output().requiresGrad()).as("the reference is recorded").isTrue();
        assertThat(actual.output().requiresGrad()).isFalse();
        assertThat(actual.logDet().requiresGrad()).isFalse();
        // And it inverts the forward pass.
        Tensor back = new BatchInference(inn, BLOCK).forward(actual.output(), List.of()).output();
        assertClose(back.toDoubleArray(), z.toDoubleArray(), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void threadsDoNotChangeTheBits(String dtype) {
        // The pool runs the blocks in parallel; each block alone on this thread must give the same bits, so the
        // result cannot depend on which thread (or how many) ran which block.
        DType type = DType.valueOf(dtype);
        SequenceINN inn = moons(type, 0);
        Tensor x = rows(type, ROWS, 2, 10);
        FlowResult split = new BatchInference(inn, BLOCK).forward(x, List.of());
        List<Double> z = new ArrayList<>();
        List<Double> ld = new ArrayList<>();
        try (var g = Grad.disabled()) {
            for (int start = 0; start < ROWS; start += BLOCK) {
                FlowResult r = inn.forward(x.narrow(0, start, Math.min(BLOCK, ROWS - start)));
                for (double v : r.output().to(DType.FLOAT64).toDoubleArray()) {
                    z.add(v);
                }
                for (double v : r.logDet().to(DType.FLOAT64).toDoubleArray()) {
                    ld.add(v);
                }
            }
        }
        assertThat(split.output().to(DType.FLOAT64).toDoubleArray()).containsExactly(unbox(z));
        assertThat(split.logDet().to(DType.FLOAT64).toDoubleArray()).containsExactly(unbox(ld));
        // Twice the same call, the same bits (no state carried between calls).
        assertThat(new BatchInference(inn, BLOCK).forward(x, List.of()).output().toDoubleArray())
                .containsExactly(split.output().toDoubleArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void insideTheCallersScopeTheBlocksGiveTheSameBitsAndTheResultLivesUntilItCloses(String dtype) {
        // Each block runs in a scope on the thread that takes it; the caller's input lives in the caller's scope.
        DType type = DType.valueOf(dtype);
        SequenceINN inn = moons(type, 0);
        double[] plain = new BatchInference(inn, BLOCK).logLikelihood(rows(type, ROWS, 2, 12), List.of());
        Tensor kept;
        for (int round = 0; round < 3; round++) { // later rounds run on recycled storages
            try (TensorScope s = Tensors.scope()) {
                Tensor x = rows(type, ROWS, 2, 12);
                assertThat(new BatchInference(inn, BLOCK).logLikelihood(x, List.of())).containsExactly(plain);
                FlowResult r = new BatchInference(inn, BLOCK).forward(x, List.of());
                kept = r.output();
                assertThat(kept.isClosed()).isFalse();
            }
            assertThat(kept.isClosed()).isTrue();
        }
    }

    @Test
    void aFlowThatWouldInitialiseFromTheDataRunsAsOneBlock() {
        // ActNorm initialises itself from the first batch it sees: from the whole batch, as flow.forward would,
        // not from the first block.
        SequenceINN split = actNormFlow();
        SequenceINN whole = actNormFlow();
        Tensor x = rows(DType.FLOAT64, ROWS, 4, 11).add(3.0);
        FlowResult expected;
        try (var g = Grad.disabled()) {
            expected = whole.forward(x);
        }
        FlowResult actual = new BatchInference(split, BLOCK).forward(x, List.of());
        assertThat(actual.output().toDoubleArray()).containsExactly(expected.output().toDoubleArray());
        assertThat(split.stateDict().get("module_list.0.loc").toDoubleArray())
                .containsExactly(whole.stateDict().get("module_list.0.loc").toDoubleArray());
    }

    @Test
    void aFlowInTrainingModeRunsAsOneBlock() {
        SequenceINN inn = moons(DType.FLOAT64, 0);
        inn.train();
        assertThat(RowIndependence.holds(inn)).isFalse();
        inn.eval();
        assertThat(RowIndependence.holds(inn)).isTrue();
    }

    @Test
    void conditionsWithOtherRowCountsAreRejected() {
        SequenceINN inn = moons(DType.FLOAT64, 3);
        Tensor x = rows(DType.FLOAT64, 10, 2, 12);
        Tensor c = rows(DType.FLOAT64, 9, 3, 13);
        assertThatThrownBy(() -> new BatchInference(inn).forward(x, List.of(c)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BatchInference: condition 0 has shape [9, 3], expected 10 rows as the input [10, 2]");
        assertThatThrownBy(() -> new BatchInference(inn, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BatchInference: blockRows must be >= 1, got 0");
    }

    private static SequenceINN actNormFlow() {
        Init.manualSeed(4);
        SequenceINN inn = new SequenceINN(4);
        inn.append(ActNorm.spec());
        inn.append(GLOWCouplingBlock.builder().subnet(Subnets.mlp(16)));
        inn.to(DType.FLOAT64);
        inn.eval();
        return inn;
    }

    private static double spread(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        return hi - lo;
    }

    private static void assertClose(double[] actual, double[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(tol * Math.max(1, Math.abs(expected[i]))));
        }
    }

    private static double[] unbox(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
