package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void mlpBackwardRuns() {
        Rng rng = new Rng(1);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 2);
        Tensor loss = x.matmul(w).tanh().square().sum();
        loss.backward();
        assertThat(w.grad().shape()).containsExactly(2, 3);
        GradCheck.withTolerances(1e-7, 1e-6).secondOrder(true).verify(in -> x.matmul(in[0]).tanh().square().sum(), w);
        System.out.println(x);
        System.out.println(loss);
    }
}
