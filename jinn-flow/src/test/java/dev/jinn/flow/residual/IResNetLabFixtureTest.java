package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.coupling.MaskedAffineCoupling;
import dev.jinn.flow.linear.Invertible1x1Conv;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Models of the iResNetLab style written before the iResNetLab classes became adapters over framework modules
 * (when {@code RealNVP}, {@code Invertible1x1Conv}, {@code InvertibleBatchNorm1d} and {@code PixelShuffle} had a
 * protocol of their own)
 * ({@code src/test/resources/iresnetlab/*.safetensors}, float64): each file holds the state dict ({@code state.}
 * prefix) of a chain after two training-mode calls, the input {@code x}, the accumulated terms {@code logP0} and
 * {@code logDet0}, what the freshly built model returned in training mode ({@code train.y/logP/logDet}), what the
 * trained model returns in eval mode ({@code eval.*}) and, where no features are abandoned, its inverse of
 * {@code eval.y} ({@code eval.inverse}). The same seeds must give the same numbers, and the saved state dicts must
 * load into the models as they are built today. {@code layers_*.safetensors} hold the same for {@code SequenceINN}s
 * of FrEIA's {@link IResNetLayer} (as the command line's {@code iresnet} architecture builds them), whose results
 * are {@code z} and {@code logDet} and whose inverse also has a log-det ({@code eval.inverseLogDet}).
 */
class IResNetLabFixtureTest {
    /** {@code fcn(4, 3) → realNVP(3) → batchNorm1d(3) → fcn(3, 2)}: two abandoned features. */
    static IResNetSequential vectors(long seed) {
        return IResNet.sequential(ResidualBlock.fcn(4, 3).hidden(8).rng(new Rng(seed)).build(),
                new MaskedAffineCoupling(List.of(Shape.of(3)), null, null, 2, null, 1.0, new Rng(seed + 1)), IResNet.batchNorm1d(3),
                ResidualBlock.fcn(3, 2).rng(new Rng(seed + 2)).build());
    }

    /**
     * Convolutional blocks, a 1×1 convolution and a pixel unshuffle and shuffle on 4×4 images; the blocks (32
     * values per sample) have the exact log-det, so that their eval-mode values do not depend on the probes.
     */
    static IResNetSequential images(long seed) {
        return IResNet.sequential(ResidualBlock.conv2d(2, 3).hidden(4).logDet(LogDetMethod.exact())
                        .rng(new Rng(seed)).build(),
                new Invertible1x1Conv(List.of(Shape.of(2, 4, 4)), new Rng(seed + 1)),
                IResNet.pixelUnshuffle2d(2),
                ResidualBlock.conv2d(8, 1).hidden(6).logDet(LogDetMethod.exact())
                        .rng(new Rng(seed + 2)).build(), IResNet.pixelShuffle2d(2));
    }

    /** The same on 1-D signals, with a batch normalisation. */
    static IResNetSequential signals(long seed) {
        return IResNet.sequential(ResidualBlock.conv1d(2, 3).hidden(5).rng(new Rng(seed)).build(),
                IResNet.batchNorm1d(2, 6), IResNet.pixelUnshuffle1d(2), ResidualBlock.conv1d(4, 1).rng(new Rng(seed + 1))
                        .build(), IResNet.pixelShuffle1d(2), new Invertible1x1Conv(List.of(Shape.of(2, 6)), new Rng(seed + 2)));
    }

    private static SafeTensorsFile fixture(String name) throws Exception {
        URL url = IResNetLabFixtureTest.class.getResource("/iresnetlab/" + name + ".safetensors");
        assertThat(url).as("fixture " + name).isNotNull();
        return SafeTensors.read(Path.of(url.toURI()));
    }

    private static Map<String, Tensor> state(SafeTensorsFile f) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String key : f.tensors().keySet()) {
            if (key.startsWith("state.")) {
                out.put(key.substring("state.".length()), f.tensors().get(key));
            }
        }
        return out;
    }

    private static void assertClose(String what, Tensor got, Tensor want) {
        assertThat(got.shape()).as(what + " shape").isEqualTo(want.shape());
        double scale = Math.max(1, want.abs().max().item());
        assertThat(got.to(DType.FLOAT64).sub(want).abs().max().item()).as(what).isLessThanOrEqualTo(1e-12 * scale);
    }

    private static void assertResult(String what, IResNetResult r, SafeTensorsFile f) {
        assertClose(what + ".y", r.y(), f.tensors().get(what + ".y"));
        assertClose(what + ".logP", r.logP(), f.tensors().get(what + ".logP"));
        assertClose(what + ".logDet", r.logDet(), f.tensors().get(what + ".logDet"));
    }

    private static void check(String name, LongFunction<IResNetModule> model, long seed) throws Exception {
        SafeTensorsFile f = fixture(name);
        Tensor x = f.tensors().get("x");
        Tensor p0 = f.tensors().get("logP0");
        Tensor d0 = f.tensors().get("logDet0");
        Map<String, Tensor> saved = state(f);

        IResNetModule fresh = model.apply(seed);
        fresh.to(DType.FLOAT64);
        assertResult("train", fresh.forward(x, p0, d0), f);
        fresh.forward(x);
        fresh.eval();
        assertResult("eval", fresh.forward(x, p0, d0), f);
        assertThat(fresh.stateDict().keySet()).as(name + " state-dict keys").containsExactlyInAnyOrderElementsOf(saved.keySet());
        for (var e : saved.entrySet()) {
            assertClose(name + " " + e.getKey(), fresh.stateDict().get(e.getKey()), e.getValue());
        }

        IResNetModule loaded = model.apply(seed + 1000);
        loaded.to(DType.FLOAT64);
        loaded.forward(x); // creates the power-iteration vectors of convolutional blocks for this size
        loaded.loadStateDict(saved, true);
        loaded.eval();
        assertResult("eval", loaded.forward(x, p0, d0), f);
        Tensor inverse = f.tensors().get("eval.inverse");
        if (inverse != null) {
            try (var g = Grad.disabled()) {
                assertClose(name + " inverse", loaded.inverse(f.tensors().get("eval.y")), inverse);
            }
        }
    }

    @Test
    void aVectorChainWithAbandonedFeaturesGivesTheSavedNumbers() throws Exception {
        check("vectors", IResNetLabFixtureTest::vectors, 1);
    }

    @Test
    void anImageChainGivesTheSavedNumbers() throws Exception {
        check("images", IResNetLabFixtureTest::images, 4);
    }

    @Test
    void aSignalChainGivesTheSavedNumbers() throws Exception {
        check("signals", IResNetLabFixtureTest::signals, 7);
    }

    @Test
    void aStandaloneBlockGivesTheSavedNumbers() throws Exception {
        check("block", seed -> ResidualBlock.fcn(3, 3).rng(new Rng(seed)).build(), 13);
    }

    /** Two soft-normalised dense layers with the exact log-det, as the command line builds them for 3-D data. */
    static SequenceINN layerVectors(long seed) {
        Rng rng = new Rng(seed);
        SequenceINN inn = new SequenceINN(3);
        for (int k = 0; k < 2; k++) {
            inn.append(IResNetLayer.builder().internalSize(8).normalisation(Normalisation.SOFT)
                    .logDet(LogDetMethod.exact()).rng(rng.split()));
        }
        return inn;
    }

    /** A convolutional layer with FrEIA's explicit normalisation on 4×4 images. */
    static SequenceINN layerImages(long seed) {
        return new SequenceINN(2, 4, 4).append(IResNetLayer.builder().internalSize(3).logDet(LogDetMethod.exact())
                .rng(new Rng(seed)));
    }

    private static void checkLayers(String name, LongFunction<SequenceINN> model, long seed) throws Exception {
        SafeTensorsFile f = fixture(name);
        Tensor x = f.tensors().get("x");
        SequenceINN fresh = model.apply(seed);
        fresh.to(DType.FLOAT64);
        for (var m : fresh) {
            ((IResNetLayer) m).lipschitzCorrection();
        }
        FlowResult t = fresh.forward(x);
        assertClose(name + " train.z", t.output(), f.tensors().get("train.z"));
        assertClose(name + " train.logDet", t.logDet(), f.tensors().get("train.logDet"));
        fresh.forward(x);
        Map<String, Tensor> saved = state(f);
        assertThat(fresh.stateDict().keySet()).as(name + " state-dict keys").containsExactlyInAnyOrderElementsOf(
                saved.keySet());

        SequenceINN loaded = model.apply(seed + 1000);
        loaded.to(DType.FLOAT64);
        loaded.loadStateDict(saved, true);
        loaded.eval();
        FlowResult e = loaded.forward(x);
        assertClose(name + " eval.z", e.output(), f.tensors().get("eval.z"));
        assertClose(name + " eval.logDet", e.logDet(), f.tensors().get("eval.logDet"));
        try (var g = Grad.disabled()) {
            FlowResult back = loaded.inverse(e.output());
            assertClose(name + " inverse", back.output(), f.tensors().get("eval.inverse"));
            assertClose(name + " inverse log-det", back.logDet(), f.tensors().get("eval.inverseLogDet"));
        }
    }

    @Test
    void denseIResNetLayersGiveTheSavedNumbers() throws Exception {
        checkLayers("layers_vectors", IResNetLabFixtureTest::layerVectors, 3);
    }

    @Test
    void aConvolutionalIResNetLayerGivesTheSavedNumbers() throws Exception {
        checkLayers("layers_images", IResNetLabFixtureTest::layerImages, 4);
    }
}
