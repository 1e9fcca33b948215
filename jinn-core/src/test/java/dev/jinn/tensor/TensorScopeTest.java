package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.BatchNorm1d;
import dev.jinn.nn.Linear;
import dev.jinn.nn.Sequential;
import dev.jinn.nn.Tanh;
import dev.jinn.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Storage-reuse scopes: closed tensors refuse every use, kept state survives, results do not change. */
class TensorScopeTest {
    /** Large enough to be pooled. */
    private static final int N = 4 * BufferPool.MIN_LENGTH;

    @AfterEach
    void restorePool() {
        BufferPool.poisonReturnedArrays(false);
        BufferPool.setEnabled(true);
        assertThat(TensorScope.current()).as("a test left a scope open").isNull();
    }

    @Test
    void aTensorFromAClosedScopeRefusesEveryUse() {
        Tensor t;
        try (TensorScope s = Tensors.scope()) {
            t = Tensors.ones(N).mul(2);
            assertThat(t.sum().item()).isEqualTo(2.0 * N);
        }
        Tensor closed = t;
        assertThat(closed.isClosed()).isTrue();
        assertThatThrownBy(closed::item).isInstanceOf(IllegalArgumentException.class); // shape first: not one element
        assertThatThrownBy(() -> closed.add(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tensor of shape [" + N + "]").hasMessageContaining("keep()");
        assertThatThrownBy(closed::toFloatArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::denseStorage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.reshape(2, N / 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Tensors.ones(N).add(closed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theStorageOfAClosedTensorIsHandedToTheNextScope() {
        Object first;
        try (TensorScope s = Tensors.scope()) {
            first = Tensors.zeros(N).add(1).data();
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor again = Tensors.zeros(N);
            assertThat(again.data()).isSameAs(first); // reused, and zeroed as a fresh array would be
            assertThat(again.sum().item()).isZero();
        }
    }

    @Test
    void viewsOfAScopedTensorCloseWithIt() {
        Tensor base;
        List<Tensor> views = new ArrayList<>();
        try (TensorScope s = Tensors.scope()) {
            base = Tensors.arange(N).to(DType.FLOAT32);
            views.add(base.reshape(4, N / 4));
            views.add(base.narrow(0, 1, 10));
            views.add(base.reshape(4, N / 4).transpose(0, 1));
            views.add(base.detach());
            views.add(base.expand(2, N));
        }
        for (Tensor v : views) {
            assertThat(v.isClosed()).isTrue();
            assertThatThrownBy(() -> v.sum()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aViewMadeOnAnotherThreadClosesWithTheStorageScope() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Tensor view;
            try (TensorScope s = Tensors.scope()) {
                Tensor base = Tensors.ones(N);
                view = other.submit(() -> base.narrow(0, 0, N / 2)).get();
                assertThat(view.sum().item()).isEqualTo(N / 2.0);
            }
            Tensor v = view;
            assertThatThrownBy(() -> v.sum()).isInstanceOf(IllegalStateException.class);
        } finally {
            other.shutdown();
        }
    }

    @Test
    void aViewOfAnOuterTensorClosesButItsStorageStays() {
        Tensor outer = Tensors.arange(N).to(DType.FLOAT32);
        double sum = outer.sum().item();
        Tensor view;
        try (TensorScope s = Tensors.scope()) {
            view = outer.reshape(2, N / 2);
        }
        assertThat(view.isClosed()).isTrue();
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 10; i++) {
                Tensors.full(-1.0, N).mul(3); // takes whatever the pool has of this size
            }
        }
        assertThat(outer.isClosed()).isFalse();
        assertThat(outer.sum().item()).isEqualTo(sum);
    }

    @Test
    void keepMovesATensorToTheEnclosingScopeAndPersistOutOfAll() {
        Tensor kept;
        Tensor persisted;
        Tensor inner;
        try (TensorScope outer = Tensors.scope()) {
            try (TensorScope s = Tensors.scope()) {
                inner = Tensors.ones(N).mul(3);
                kept = s.keep(Tensors.ones(N).mul(5));
                persisted = TensorScope.persist(Tensors.ones(N).mul(7));
            }
            assertThat(inner.isClosed()).isTrue();
            assertThat(kept.sum().item()).isEqualTo(5.0 * N);
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(N).add(-1); // must not receive kept's storage
            }
            assertThat(kept.sum().item()).isEqualTo(5.0 * N);
        }
        assertThat(kept.isClosed()).isTrue();
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(N).add(-1);
            }
        }
        assertThat(persisted.isClosed()).isFalse();
        assertThat(persisted.sum().item()).isEqualTo(7.0 * N);
    }

    @Test
    void keepingAViewKeepsTheStorageOfWhatItViews() {
        Tensor view;
        try (TensorScope s = Tensors.scope()) {
            Tensor base = Tensors.ones(2 * N).mul(4);
            view = s.keep(base.narrow(0, N, N));
        }
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(2 * N).add(-1);
            }
        }
        assertThat(view.isClosed()).isFalse();
        assertThat(view.sum().item()).isEqualTo(4.0 * N);
    }

    @Test
    void nestedScopesCloseInnermostFirstAndOuterCloseClosesForgottenInnerOnes() {
        TensorScope outer = Tensors.scope();
        Tensor a = Tensors.ones(N);
        TensorScope inner = Tensors.scope();
        Tensor b = Tensors.ones(N);
        assertThat(TensorScope.current()).isSameAs(inner);
        outer.close(); // inner was never closed: closing outer closes it first
        assertThat(inner.isClosed()).isTrue();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(TensorScope.current()).isNull();
        outer.close(); // twice: nothing
        assertThatThrownBy(() -> inner.keep(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void anExceptionInsideTheScopeStillClosesItAndRestoresTheEnclosingOne() {
        List<Tensor> made = new ArrayList<>();
        try (TensorScope outer = Tensors.scope()) {
            assertThatThrownBy(() -> {
                try (TensorScope s = Tensors.scope()) {
                    made.add(Tensors.ones(N).mul(2));
                    made.get(0).matmul(Tensors.ones(3, 3)); // shape error
                }
            }).isInstanceOf(IllegalArgumentException.class);
            assertThat(TensorScope.current()).isSameAs(outer);
            assertThat(made.get(0).isClosed()).isTrue();
        }
    }

    @Test
    void aScopeBelongsToItsThread() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (TensorScope s = Tensors.scope()) {
            Future<TensorScope> seen = other.submit(TensorScope::current);
            assertThat(seen.get()).isNull();
            Future<?> closing = other.submit(s::close);
            assertThatThrownBy(closing::get).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to thread");
        } finally {
            other.shutdown();
        }
    }

    @Test
    void anInPlaceWriteIntoAnOuterTensorKeepsItsStorage() {
        Tensor param = Tensors.zeros(N).requiresGrad(true);
        try (TensorScope s = Tensors.scope(); var g = Grad.disabled()) {
            param.copyFrom(Tensors.ones(N).mul(9)); // the source is scoped, the destination is not
        }
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(N).add(-1);
            }
        }
        assertThat(param.isClosed()).isFalse();
        assertThat(param.sum().item()).isEqualTo(9.0 * N);
    }

    @Test
    void aGradientMadeInsideAScopeIsTheParametersAndSurvivesIt() {
        Tensor w = Tensors.ones(N).requiresGrad(true);
        try (TensorScope s = Tensors.scope()) {
            w.mul(w).sum().backward(); // d/dw = 2w, adopted from the backward rule's fresh storage
        }
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(N).add(-1);
            }
            w.mul(3).sum().backward(); // accumulates: 2 + 3
        }
        assertThat(w.grad().isClosed()).isFalse();
        assertThat(w.grad().toFloatArray()).containsOnly(5f);
    }

    @Test
    void aGradientDroppedInsideAScopeIsRecycledForTheNextOne() {
        Tensor w = Tensors.ones(N).requiresGrad(true);
        try (TensorScope s = Tensors.scope()) {
            w.mul(2).sum().backward();
        }
        Tensor first = w.grad();
        Object storage = first.data();
        try (TensorScope s = Tensors.scope()) {
            w.zeroGrad();
            assertThat(first.isClosed()).isFalse(); // still usable until the scope closes
        }
        assertThat(first.isClosed()).isTrue();
        try (TensorScope s = Tensors.scope()) {
            assertThat(Tensors.zeros(N).data()).isSameAs(storage); // the last array given back is handed out first
            w.mul(3).sum().backward();
        }
        assertThat(w.grad().toFloatArray()).containsOnly(3f);
    }

    @Test
    void aGradientViewedFromOutsideEveryScopeIsNeverRecycled() {
        Tensor w = Tensors.ones(N).requiresGrad(true);
        try (TensorScope s = Tensors.scope()) {
            w.mul(2).sum().backward();
        }
        Tensor outside = w.grad().reshape(2, N / 2); // a view no scope closes
        Tensor grad = w.grad();
        try (TensorScope s = Tensors.scope()) {
            w.zeroGrad();
        }
        try (TensorScope s = Tensors.scope()) {
            for (int i = 0; i < 4; i++) {
                Tensors.zeros(N).add(-1);
            }
            w.mul(5).sum().backward();
        }
        assertThat(grad.isClosed()).isFalse();
        assertThat(outside.toFloatArray()).containsOnly(2f);
        assertThat(w.grad().toFloatArray()).containsOnly(5f);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void trainingInScopesGivesBitIdenticalLossesAndWeights(DType dtype) {
        Run plain = train(dtype, false);
        Run scoped = train(dtype, true);
        assertThat(scoped.losses).containsExactly(plain.losses);
        assertThat(scoped.weights).containsExactly(plain.weights);
    }

    @Test
    void recycledArraysAreOverwrittenBeforeUse() {
        Run plain = train(DType.FLOAT32, false);
        BufferPool.setEnabled(true);
        BufferPool.poisonReturnedArrays(true); // every array given back is NaN until its next owner writes it
        Run scoped = train(DType.FLOAT32, true);
        assertThat(scoped.losses).doesNotContain(Double.NaN).containsExactly(plain.losses);
        assertThat(scoped.weights).containsExactly(plain.weights);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void opsWritingIntoRecycledArraysGiveWhatFreshArraysGive(DType dtype) {
        double[] plain = opMix(dtype);
        BufferPool.poisonReturnedArrays(true);
        for (int round = 0; round < 3; round++) { // later rounds run on arrays the earlier ones poisoned
            try (TensorScope s = Tensors.scope()) {
                assertThat(opMix(dtype)).containsExactly(plain);
            }
        }
    }

    /** Unary, binary (broadcast, strided), copies and conversions of views, reductions: each op's own loop. */
    private static double[] opMix(DType dtype) {
        Rng rng = new Rng(3);
        Tensor a = Tensors.randn(rng, dtype, 32, 24);
        Tensor b = Tensors.randn(rng, dtype, 24);
        List<Tensor> results = List.of(a.exp(), a.tanh(), a.sigmoid(), a.abs().sqrt(), a.add(b), a.mul(b.reshape(1, 24)),
                a.transpose(0, 1).contiguous(), a.transpose(0, 1).mul(a.transpose(0, 1)), a.narrow(1, 3, 12).copy(),
                a.to(dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32), a.sum(0), a.mean(1), a.softplus(),
                a.matmul(a.transpose(0, 1)), Tensor.cat(List.of(a, a.neg()), 1), a.maximum(b),
                // Products write their output without clearing it: the outer (k = 1), thin, empty (k = 0), batched.
                a.narrow(1, 0, 1).matmul(a.narrow(0, 0, 1)), a.matmul(a.narrow(0, 0, 2).transpose(0, 1)),
                a.narrow(1, 0, 0).matmul(a.narrow(0, 0, 0)),
                a.reshape(4, 8, 24).matmul(a.reshape(4, 8, 24).transpose(1, 2)),
                // Convolutions write their output without clearing it: direct (few outputs), im2col + GEMM, grouped.
                Convolutions.conv2d(a.reshape(2, 4, 8, 12), a.narrow(0, 0, 3).reshape(2, 4, 3, 3), null, 1, 1),
                Convolutions.conv2d(a.reshape(2, 4, 8, 12), a.reshape(-1).narrow(0, 0, 20 * 4 * 9).reshape(20, 4, 3, 3),
                        null, 1, 0),
                Convolutions.conv2d(a.reshape(2, 4, 8, 12), a.reshape(-1).narrow(0, 0, 8 * 2 * 9).reshape(8, 2, 3, 3),
                        null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2),
                Tensors.zeros(dtype, 32, 24).add(1), Tensors.zerosLike(a).scatterAdd(1, a.argmax(1, true), a));
        List<Double> out = new ArrayList<>();
        for (Tensor r : results) {
            for (double v : r.toDoubleArray()) {
                out.add(v);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void withRecyclingOffScopesStillCloseAndGiveTheSameNumbers() {
        Run plain = train(DType.FLOAT64, false);
        BufferPool.setEnabled(false);
        assertThat(TensorScope.recycling()).isFalse();
        Run scoped = train(DType.FLOAT64, true);
        assertThat(scoped.losses).containsExactly(plain.losses);
        Tensor t;
        Object first;
        try (TensorScope s = Tensors.scope()) {
            t = Tensors.ones(N);
            first = t.data();
        }
        assertThat(t.isClosed()).isTrue();
        try (TensorScope s = Tensors.scope()) {
            assertThat(Tensors.ones(N).data()).isNotSameAs(first);
        }
    }

    @Test
    void twoThreadsTrainingInTheirOwnScopesAgreeWithOneThreadWithout() throws Exception {
        Run plain = train(DType.FLOAT32, false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Run> a = pool.submit(() -> train(DType.FLOAT32, true));
            Future<Run> b = pool.submit(() -> train(DType.FLOAT32, true));
            assertThat(a.get().losses).containsExactly(plain.losses);
            assertThat(b.get().losses).containsExactly(plain.losses);
            assertThat(a.get().weights).containsExactly(plain.weights);
        } finally {
            pool.shutdown();
        }
    }

    /** The losses of 20 Adam steps of a small MLP with batch norm, and its weights afterwards. */
    private record Run(double[] losses, double[] weights) {
    }

    private static Run train(DType dtype, boolean scoped) {
        Rng rng = new Rng(7);
        Sequential net = new Sequential(new Linear(4, 96, true, rng), new BatchNorm1d(96), new Tanh(),
                new Linear(96, 3, true, rng));
        net.to(dtype);
        Adam opt = new Adam(net.parameters(), 1e-2);
        Tensor x = Tensors.randn(rng, dtype, 64, 4);
        Tensor y = Tensors.randn(rng, dtype, 64, 3);
        double[] losses = new double[20];
        for (int i = 0; i < losses.length; i++) {
            TensorScope s = scoped ? Tensors.scope() : null;
            try {
                opt.zeroGrad();
                Tensor loss = net.forward(x).sub(y).square().mean();
                loss.backward();
                opt.step();
                losses[i] = loss.item();
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
        List<Double> w = new ArrayList<>();
        for (Tensor p : net.stateDict().values()) { // parameters and running statistics
            for (double v : p.toDoubleArray()) {
                w.add(v);
            }
        }
        return new Run(losses, w.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
