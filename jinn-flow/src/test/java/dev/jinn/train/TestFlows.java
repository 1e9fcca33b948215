package dev.jinn.train;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.nn.Layer;
import dev.jinn.nn.Linear;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.Sequential;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/** Small flows for the trainer tests, built from test-only modules so they do not depend on the module zoo. */
final class TestFlows {
    private TestFlows() {
    }

    /** An elementwise affine flow: its maximum-likelihood fit to a Gaussian is known in closed form. */
    static SequenceINN affine(int dims) {
        return new SequenceINN(dims).append((in, c) -> new ScaleShift(in, c, false));
    }

    /** Affine, a 2-d coupling with a small MLP, affine again: enough parameters and state for resume tests. */
    static SequenceINN coupling(long seed) {
        Rng rng = new Rng(seed);
        return new SequenceINN(2)
                .append((in, c) -> new ScaleShift(in, c, false))
                .append((in, c) -> new TinyCoupling(in, c, rng, false))
                .append((in, c) -> new TinyCoupling(in, c, rng, true))
                .append((in, c) -> new ScaleShift(in, c, false));
    }

    /**
     * {@code y_a = x_a · exp(tanh(s(x_p))) + t(x_p)} on two dimensions, the passive coordinate {@code p} unchanged;
     * log-det {@code tanh(s(x_p))}.
     */
    static final class TinyCoupling extends InvertibleModule {
        private final Layer net;
        private final int passive;

        TinyCoupling(List<Shape> dimsIn, List<Shape> dimsC, Rng rng, boolean swap) {
            super(dimsIn, dimsC);
            this.passive = swap ? 1 : 0;
            net = registerModule("net", new Sequential(new Linear(1, 8, true, rng), new ReLU(),
                    new Linear(8, 2, true, rng)));
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            Tensor v = x.get(0);
            Tensor xp = v.narrow(1, passive, 1);
            Tensor xa = v.narrow(1, 1 - passive, 1);
            Tensor st = net.forward(xp);
            Tensor s = st.narrow(1, 0, 1).tanh();
            Tensor t = st.narrow(1, 1, 1);
            Tensor ya = reverse ? xa.sub(t).mul(s.neg().exp()) : xa.mul(s.exp()).add(t);
            Tensor out = passive == 0 ? Tensor.cat(List.of(xp, ya), 1) : Tensor.cat(List.of(ya, xp), 1);
            Tensor ld = s.reshape(-1);
            return FlowResult.of(out, reverse ? ld.neg() : ld);
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            return inputDims;
        }
    }

    /** The identity, except that inputs above a threshold come out as NaN (a module that blows up). */
    static final class Poison extends InvertibleModule {
        private final double threshold;

        Poison(List<Shape> dimsIn, List<Shape> dimsC, double threshold) {
            super(dimsIn, dimsC);
            this.threshold = threshold;
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            Tensor v = x.get(0);
            Tensor nan = Tensors.fullLike(v, Double.NaN);
            return FlowResult.of(Tensor.where(v.gt(threshold), nan, v), Tensors.zeros(v.dtype(), v.size(0)));
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            return inputDims;
        }
    }
}
