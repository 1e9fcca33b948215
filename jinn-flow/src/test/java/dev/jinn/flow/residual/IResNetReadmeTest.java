package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The examples of iResNetLab's README, written in Java as they are written there. */
class IResNetReadmeTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    @Test
    void fullyConnectedLayers() {
        IResNetModule model = IResNet.fcn(2, 2);
        model.train();

        Tensor x = Tensors.of(new float[] {1, 2, 3, 4}, 2, 2);
        x.requiresGrad(true); // x must require gradient (in iResNetLab; jinn does not need it)

        IResNetResult out = model.forward(x);
        Tensor y = out.y();
        Tensor logp = out.logP();
        Tensor logdet = out.logDet();
        assertThat(y.shape()).containsExactly(2, 2);
        assertThat(y.requiresGrad()).isTrue();
        assertThat(logp.toDoubleArray()).containsExactly(0.0, 0.0);
        assertThat(logdet.shape()).containsExactly(2);

        Tensor back = model.inverse(y.detach());
        assertThat(maxAbsDiff(back, x)).isLessThan(1e-5);
    }

    @Test
    void sequential() {
        IResNetModule model = IResNet.sequential(IResNet.fcn(2, 2),
                                                 IResNet.fcn(2, 2),
                                                 IResNet.fcn(2, 2));
        model.train();

        Tensor x = Tensors.of(new float[] {1, 2, 3, 4}, 2, 2);
        x.requiresGrad(true);
        IResNetResult out = model.forward(x);

        Tensor back = model.inverse(out.y().detach());
        assertThat(maxAbsDiff(back, x)).isLessThan(1e-5);
    }

    @Test
    void oneDimensionalConvolutionalNetwork() {
        IResNetModule model = IResNet.sequential(IResNet.conv1d(2, 3),
                                                 IResNet.conv1d(2, 1),
                                                 IResNet.conv1d(2, 3));

        Tensor x = Tensors.of(new float[] {1, 2, 3, 4, 5, -1, -2, -3, -4, -5,
                                          1, 2, 0, 4, 5, -1, -2, 0, -4, -5}, 2, 2, 5);
        x.requiresGrad(true);

        IResNetResult out = model.forward(x);

        Tensor back = model.inverse(out.y());
        assertThat(back.shape()).containsExactly(2, 2, 5);
        assertThat(maxAbsDiff(back, x)).isLessThan(1e-5);
    }

    @Test
    void twoDimensionalConvolutionalNetwork() {
        IResNetModule model = IResNet.sequential(IResNet.conv2d(2, 3),
                                                 IResNet.conv2d(2, 3),
                                                 IResNet.conv2d(2, 3),
                                                 IResNet.conv2d(2, 3),
                                                 IResNet.conv2d(2, 3),
                                                 IResNet.conv2d(2, 3));

        Tensor x = Tensors.of(new float[] {1, 1, 1,
                                          0, 1, 0,
                                          0, 1, 0,

                                          0, 1, 0,
                                          1, 1, 1,
                                          0, 1, 0}, 1, 2, 3, 3);
        x.requiresGrad(true);

        IResNetResult out = model.forward(x);
        assertThat(out.logDet().shape()).containsExactly(1);

        Tensor xhat = model.inverse(out.y());
        assertThat(maxAbsDiff(xhat, x)).isLessThan(1e-5);
    }

    @Test
    void batchNormalization() {
        IResNetModule model = IResNet.sequential(IResNet.fcn(3, 3), IResNet.batchNorm1d(3), IResNet.fcn(3, 3));
        Tensor x = Tensors.randn(new dev.jinn.tensor.Rng(1), 16, 3);
        IResNetResult out = model.forward(x);
        assertThat(maxAbsDiff(model.inverse(out.y().detach()), x)).isLessThan(1e-5);
        model.eval();
        out = model.forward(x);
        assertThat(maxAbsDiff(model.inverse(out.y()), x)).isLessThan(1e-5);
    }

    @Test
    void realNvp() {
        IResNetModule model = IResNet.sequential(IResNet.realNVP(4),
                                                 IResNet.realNVP(4));

        Tensor x = Tensors.of(new float[] {1, 2, 3, -1,
                                          4, 5, -6, 6}, 2, 4);

        IResNetResult out = model.forward(x);
        Tensor back = model.inverse(out.y());
        assertThat(maxAbsDiff(back, x)).isLessThan(1e-5);
        assertThat(out.logP().shape()).containsExactly(2);
        assertThat(out.logDet().shape()).containsExactly(2);
    }
}
