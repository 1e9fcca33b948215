package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class SequentialTest {
    @Test
    void childrenAreNamedByPositionAsInPyTorch() {
        Sequential net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(net.namedChildren().keySet()).containsExactly("0", "1", "2");
        assertThat(net.size()).isEqualTo(3);
        assertThat(net.get(1)).isInstanceOf(ReLU.class);
        assertThat(net.get(-1)).isSameAs(net.get(2));
        Sequential nested = new Sequential(new Identity(), net);
        assertThat(nested.stateDict().keySet()).containsExactly("1.0.weight", "1.0.bias", "1.2.weight", "1.2.bias");
    }

    @Test
    void toStringPrintsTheTreeLikePyTorch() {
        Sequential net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
        assertThat(net).hasToString("Sequential(\n"
                + "  (0): Linear(in_features=2, out_features=3, bias=True)  # 9 parameters\n"
                + "  (1): ReLU()\n"
                + "  (2): Linear(in_features=3, out_features=1, bias=True)  # 4 parameters\n"
                + ")  # 13 parameters");
    }

    @Test
    void forwardAppliesTheLayersInOrder() {
        Linear first = new Linear(2, 3, true, new Rng(1));
        Linear second = new Linear(3, 2, true, new Rng(2));
        Sequential net = new Sequential(first).add(new Tanh()).add(second);
        Tensor x = Tensors.randn(new Rng(3), 4, 2);
        Tensor expected = second.forward(first.forward(x).tanh());
        assertThat(net.forward(x).toFloatArray()).containsExactly(expected.toFloatArray());
        Tensor same = Tensors.ones(2);
        assertThat(new Sequential().forward(same)).isSameAs(same);
    }

    @Test
    void trainAndEvalAndDtypeReachEveryLayer() {
        Sequential net = new Sequential(new Linear(2, 3), new BatchNorm1d(3), new Dropout(0.5));
        net.eval();
        assertThat(net.get(1).isTraining()).isFalse();
        assertThat(net.get(2).isTraining()).isFalse();
        net.to(DType.FLOAT64);
        assertThat(net.parameters()).allMatch(p -> p.dtype() == DType.FLOAT64);
        assertThat(net.stateDict().get("1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    }

    @Test
    void gradientsFlowThroughEveryLayer() {
        Rng rng = new Rng(4);
        Sequential net = new Sequential(new Linear(3, 4, true, rng), new LayerNorm(4), new GELU(),
                new Linear(4, 2, true, rng));
        LayerGradCheck.check(net, Tensors.randn(new Rng(5), 2, 3));
    }

    @Test
    void linearReluLinearRunsFusedWithTheComposedValuesAndGradients() {
        // Two overlapping Linear → ReLU → Linear runs: the first three layers fuse, then ReLU → Linear run alone.
        Linear l0 = new Linear(3, 8, true, new Rng(11));
        Linear l2 = new Linear(8, 5, true, new Rng(12));
        Linear l4 = new Linear(5, 2, false, new Rng(13));
        Sequential net = new Sequential(l0, new ReLU(), l2, new ReLU(), l4);
        net.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(14), DType.FLOAT64, 6, 3).requiresGrad(true);
        Tensor y = net.forward(x);
        Tensor y2 = y.detach();
        y.sum().backward();
        Tensor fusedGrad = x.grad().detach();
        Tensor fusedW0 = l0.weight().grad().detach();
        x.zeroGrad();
        net.zeroGrad();
        Tensor composed = l4.forward(l2.forward(l0.forward(x).relu()).relu());
        composed.sum().backward();
        assertThat(y2.allClose(composed.detach(), 0, 1e-14)).isTrue();
        assertThat(fusedGrad.allClose(x.grad(), 0, 1e-14)).isTrue();
        assertThat(fusedW0.allClose(l0.weight().grad(), 0, 1e-14)).isTrue();
        LayerGradCheck.check(new Sequential(new Linear(3, 8, true, new Rng(15)), new ReLU(),
                new Linear(8, 2, true, new Rng(16))), Tensors.randn(new Rng(17), 4, 3));
    }

    @Test
    void aFusedRunThatDoesNotChainNamesTheLayerAtFault() {
        Sequential net = new Sequential(new Linear(3, 8), new ReLU(), new Linear(7, 2));
        assertThatThrownBy(() -> net.forward(Tensors.randn(new Rng(18), 4, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear(in_features=7, out_features=2): expected input [..., 7], got [4, 8]");
        assertThatThrownBy(() -> net.forward(Tensors.randn(new Rng(19), 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear(in_features=3, out_features=8): expected input [..., 3], got [4, 5]");
    }

    @Test
    void badIndicesAndNullLayersAreRejected() {
        Sequential net = new Sequential(new ReLU());
        assertThatThrownBy(() -> net.get(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 1 out of range for 1 layers");
        assertThatThrownBy(() -> net.add(null)).hasMessageContaining("layer 1 is null");
    }
}
