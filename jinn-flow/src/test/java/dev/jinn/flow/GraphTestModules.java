package dev.jinn.flow;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Small test-only modules for graph tests: a channel split and concat (several outputs or inputs, log-det 0), a
 * nonlinear conditional coupling on vectors, and modules that misbehave. The real topology and coupling modules
 * live in other packages; these only exercise the graph machinery.
 */
final class GraphTestModules {
    private GraphTestModules() {
    }

    /** Splits the channel axis into sections: {@code x -> (x[:, :s0], x[:, s0:s0+s1], ...)}; log-det 0. */
    static final class TestSplit extends InvertibleModule {
        private final int[] sections;

        TestSplit(List<Shape> dimsIn, List<Shape> dimsC, int... sections) {
            super(dimsIn, dimsC);
            int total = 0;
            for (int s : sections) {
                total += s;
            }
            if (dimsIn.size() != 1 || total != dimsIn.get(0).channels()) {
                throw new IllegalArgumentException("TestSplit: sections do not add up to the channels of " + dimsIn);
            }
            this.sections = sections.clone();
        }

        static ModuleSpec of(int... sections) {
            return (in, c) -> new TestSplit(in, c, sections);
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            int b = x.get(0).size(0);
            if (reverse) {
                return new FlowResult(List.of(Tensor.cat(x, 1)), Tensors.zeros(x.get(0).dtype(), b));
            }
            List<Tensor> out = new ArrayList<>();
            int at = 0;
            for (int s : sections) {
                out.add(x.get(0).narrow(1, at, s));
                at += s;
            }
            return new FlowResult(out, Tensors.zeros(x.get(0).dtype(), b));
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            List<Shape> out = new ArrayList<>();
            for (int s : sections) {
                out.add(inputDims.get(0).withChannels(s));
            }
            return out;
        }
    }

    /** Concatenates its inputs along the channel axis; log-det 0 (a 0-dim value, which the graph broadcasts). */
    static final class TestConcat extends InvertibleModule {
        TestConcat(List<Shape> dimsIn, List<Shape> dimsC) {
            super(dimsIn, dimsC);
        }

        static ModuleSpec spec() {
            return TestConcat::new;
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            Tensor zero = Tensors.scalar(0.0, x.get(0).dtype());
            if (!reverse) {
                return new FlowResult(List.of(Tensor.cat(x, 1)), zero);
            }
            List<Tensor> out = new ArrayList<>();
            int at = 0;
            for (Shape s : dimsIn()) {
                out.add(x.get(0).narrow(1, at, s.channels()));
                at += s.channels();
            }
            return new FlowResult(out, zero);
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            int channels = 0;
            for (Shape s : inputDims) {
                channels += s.channels();
            }
            return List.of(inputDims.get(0).withChannels(channels));
        }
    }

    /**
     * A nonlinear affine coupling on vectors with any number of conditions: {@code x = (x1, x2)},
     * {@code s = tanh(x1·W + b + Σ_j v_j·mean(c_j))}, {@code y = (x1, x2·e^s + x1·U)}; log-det {@code Σ s}. Every
     * condition changes the output, so a wrong condition in reverse breaks the round trip.
     */
    static final class TestCoupling extends InvertibleModule {
        private final int d1;
        private final int d2;

        TestCoupling(List<Shape> dimsIn, List<Shape> dimsC, long seed) {
            super(dimsIn, dimsC);
            int d = dimsIn.get(0).numel();
            if (dimsIn.size() != 1 || dimsIn.get(0).rank() != 1 || d < 2) {
                throw new IllegalArgumentException("TestCoupling: needs one vector input of size >= 2, got " + dimsIn);
            }
            d1 = d / 2;
            d2 = d - d1;
            Rng rng = new Rng(seed);
            registerParameter("w", Tensors.randn(rng, DType.FLOAT32, d1, d2).mul(0.5).detach());
            registerParameter("u", Tensors.randn(rng, DType.FLOAT32, d1, d2).mul(0.5).detach());
            registerParameter("b", Tensors.randn(rng, DType.FLOAT32, d2).mul(0.5).detach());
            registerParameter("v", Tensors.randn(rng, DType.FLOAT32, Math.max(1, dimsC.size())).add(1.0).detach());
        }

        static ModuleSpec seeded(long seed) {
            return (in, c) -> new TestCoupling(in, c, seed);
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            Tensor v = x.get(0);
            int b = v.size(0);
            Tensor x1 = v.narrow(1, 0, d1);
            Tensor x2 = v.narrow(1, d1, d2);
            Tensor a = x1.matmul(parameter("w")).add(parameter("b"));
            for (int j = 0; j < c.size(); j++) {
                Tensor m = c.get(j).reshape(b, -1).mean(1).reshape(b, 1);
                a = a.add(m.mul(parameter("v").narrow(0, j, 1)));
            }
            Tensor s = a.tanh();
            Tensor t = x1.matmul(parameter("u"));
            Tensor y2 = reverse ? x2.sub(t).mul(s.neg().exp()) : x2.mul(s.exp()).add(t);
            Tensor ld = s.sum(1);
            return FlowResult.of(Tensor.cat(List.of(x1, y2), 1), reverse ? ld.neg() : ld);
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            return inputDims;
        }
    }

    /** A module that fails when run, or returns a wrongly shaped result. */
    static final class Misbehaving extends InvertibleModule {
        private final boolean wrongShape;

        Misbehaving(List<Shape> dimsIn, List<Shape> dimsC, boolean wrongShape) {
            super(dimsIn, dimsC);
            this.wrongShape = wrongShape;
        }

        @Override
        public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
            if (!wrongShape) {
                throw new IllegalStateException("boom");
            }
            Tensor v = x.get(0);
            return FlowResult.of(Tensor.cat(List.of(v, v), 1), Tensors.zeros(v.dtype(), v.size(0)));
        }

        @Override
        public List<Shape> outputDims(List<Shape> inputDims) {
            return inputDims;
        }
    }
}
