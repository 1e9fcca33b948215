package dev.jinn.flow.autoregressive;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.coupling.ClampActivation;
import dev.jinn.flow.spline.BinSettings;
import dev.jinn.nn.Layer;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.Rng;
import java.util.List;
import java.util.function.Supplier;

/**
 * The options of an autoregressive transform, shared by {@link MaskedAffineAutoregressive},
 * {@link InverseAutoregressiveFlow} and {@link MaskedRationalQuadraticAutoregressive}; a {@link ModuleSpec}, so it
 * goes straight into {@code SequenceINN.append} or a graph {@code Node}, shapes inferred. Its generator
 * ({@link SeededBuilder#rng}) draws the initial weights.
 */
public final class AutoregressiveBuilder extends SeededBuilder<AutoregressiveBuilder> implements ModuleSpec {
    private final String name;
    private final boolean spline;
    private final AutoregressiveTransform.Constructor constructor;
    private int[] hidden = {64, 64};
    private InputOrder order = InputOrder.natural();
    private Supplier<Layer> activation = ReLU::new;
    private double clamp = 2.0;
    private ClampActivation clampActivation = ClampActivation.ATAN;
    private BinSettings splineSettings = BinSettings.builder().bins(8).build();

    AutoregressiveBuilder(String name, boolean spline, AutoregressiveTransform.Constructor constructor) {
        this.name = name;
        this.spline = spline;
        this.constructor = constructor;
    }

    /**
     * Sets MADE's hidden widths (default 64, 64).
     *
     * @param widths one width per hidden layer, each at least 1
     * @return this builder
     */
    public AutoregressiveBuilder hidden(int... widths) {
        this.hidden = widths.clone();
        return this;
    }

    /**
     * Sets the order of the dimensions (default {@link InputOrder#natural()}); alternate it between stacked
     * transforms.
     *
     * @param order the order
     * @return this builder
     */
    public AutoregressiveBuilder order(InputOrder order) {
        this.order = order;
        return this;
    }

    /**
     * Sets the activation after each hidden layer (default ReLU).
     *
     * @param activation makes one activation layer per call
     * @return this builder
     */
    public AutoregressiveBuilder activation(Supplier<Layer> activation) {
        this.activation = activation;
        return this;
    }

    /**
     * Sets the soft clamp of the affine log-scales, {@code s = clamp·f(raw)} (default 2 with ATAN, as the
     * coupling blocks).
     *
     * @param clamp      the clamp, positive
     * @param activation the clamping function f
     * @return this builder
     */
    public AutoregressiveBuilder clamp(double clamp, ClampActivation activation) {
        this.clamp = clamp;
        this.clampActivation = activation;
        return this;
    }

    /**
     * Sets the number of spline bins, keeping the other spline settings (default 8).
     *
     * @param bins at least 1
     * @return this builder
     */
    public AutoregressiveBuilder bins(int bins) {
        BinSettings s = splineSettings;
        this.splineSettings = new BinSettings(bins, s.minBinWidth(), s.minBinHeight(), s.left(), s.right(),
                s.bottom(), s.top(), s.identityTails(), s.domainClamping());
        return this;
    }

    /**
     * Sets every spline setting: bins, minimum bin sizes, domain (tail bound), tails (default: 8 bins on
     * {@code [−3, 3]²} with minimum sizes 0.1 and linear tails, as the spline modules).
     *
     * @param settings the settings
     * @return this builder
     */
    public AutoregressiveBuilder splineSettings(BinSettings settings) {
        this.splineSettings = settings;
        return this;
    }


    @Override
    public InvertibleModule build(List<Shape> dimsIn, List<Shape> dimsC) {
        if (!(clamp > 0) || clampActivation == null || order == null || activation == null) {
            throw new IllegalArgumentException(name + ": need a positive clamp, a clamp activation, an order and an"
                    + " activation, got clamp " + clamp);
        }
        Rng weights = generatorOrDefault();
        ElementwiseMap map = spline ? new SplineMap(splineSettings) : new AffineMap(clamp, clampActivation);
        int[] widths = hidden.clone();
        InputOrder o = order;
        Supplier<Layer> act = activation;
        return constructor.create(dimsIn, dimsC, (d, context, k) -> new MADE(d, context, widths, k, o, act, weights),
                map);
    }
}
