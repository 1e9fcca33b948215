package dev.jinn.flow.coupling;

import dev.jinn.check.Require;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.kernel.AffineCouplingKernel;
import dev.jinn.tensor.FusedAffineCoupling;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What FrEIA's coupling blocks share (its {@code _BaseCouplingBlock}): one input of shape {@code (C, …)} split
 * along the channel axis into {@code x1} (the first {@code len1} channels) and {@code x2} (the other
 * {@code len2 = C − len1}), conditions appended to the half that feeds a subnet, and the soft-clamped affine
 * map with its log-det.
 *
 * <ul>
 *   <li>Split: {@link SplitLength} (a fraction rounded half to even, or a count).</li>
 *   <li>Conditions: every condition must have the input's non-channel dims (a vector input takes vector
 *       conditions {@code (k,)}, an image {@code (C, H, W)} takes {@code (k, H, W)}); a subnet sees
 *       {@code cat([passive, c0, c1, …], axis 1)}, so it has {@code passive + Σ kᵢ} input channels.</li>
 *   <li>Clamped affine map: {@code s = clamp · f(raw)} ({@link ClampActivation}),
 *       {@code y = e^{s} ⊙ x + t}, inverse {@code x = (y − t) ⊙ e^{−s}}, log-det {@code Σ s} over all non-batch
 *       axes (negated in reverse).</li>
 * </ul>
 * The output has the input's shape. Subclasses define {@code forward}; {@link TwoSidedCouplingBlock} adds the
 * two-sided scheme used by NICE, RealNVP, GLOW and GIN.
 */
public abstract class CouplingBlock extends InvertibleModule {
    /**
     * {@code -Djinn.fusion=true} runs the fused affine map instead of the composed ops. Off by default until a
     * benchmark on an idle machine shows it ahead: on the loaded 2-core VM where it was written, it was not
     * measurably faster on the digits shapes and looked slower on the moons ones.
     */
    private static final boolean FUSION = "true".equalsIgnoreCase(System.getProperty("jinn.fusion", "false").trim());

    private final int channels;
    private final int splitLen1;
    private final int splitLen2;
    private final int conditionChannels;
    private final double clamp;
    private final ClampActivation clampActivation;
    private final int[] sampleAxes;

    /**
     * Validates the shapes and resolves the split.
     *
     * @param dimsIn          exactly one input shape {@code (C, …)}
     * @param dimsC           condition shapes, each {@code (k, …)} with the input's non-channel dims
     * @param split           where to split the channels
     * @param clamp           the clamp factor (finite)
     * @param clampActivation the clamp function {@code f}
     * @throws IllegalArgumentException for more than one input, conditions of the wrong shape, a split out of
     *                                  range or a non-finite clamp
     */
    protected CouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, SplitLength split, double clamp,
            ClampActivation clampActivation) {
        super(dimsIn, dimsC);
        String who = getClass().getSimpleName();
        if (dimsIn.size() != 1) {
            throw new IllegalArgumentException(who + " takes exactly one input, got " + dimsIn.size() + ": " + dimsIn);
        }
        Shape in = dimsIn.get(0);
        int[] spatial = nonChannelDims(in);
        int condCh = 0;
        for (int i = 0; i < dimsC.size(); i++) {
            Shape c = dimsC.get(i);
            if (!Arrays.equals(nonChannelDims(c), spatial)) {
                throw new IllegalArgumentException(who + ": condition " + i + " has shape " + c
                        + ", but conditions must have the input's non-channel dims: expected " + expectedCondition(in)
                        + " for input " + in);
            }
            condCh += c.channels();
        }
        Require.finite(clamp, who + ": clamp");
        this.channels = in.channels();
        this.splitLen1 = Objects.requireNonNull(split, who + ": split").firstLength(who, channels);
        this.splitLen2 = channels - splitLen1;
        this.conditionChannels = condCh;
        this.clamp = clamp;
        this.clampActivation = Objects.requireNonNull(clampActivation, who + ": clamp activation");
        this.sampleAxes = new int[in.rank()];
        for (int a = 0; a < sampleAxes.length; a++) {
            sampleAxes[a] = a + 1;
        }
    }

    private static int[] nonChannelDims(Shape s) {
        int[] d = s.dims();
        return Arrays.copyOfRange(d, 1, d.length);
    }

    private static String expectedCondition(Shape in) {
        StringBuilder sb = new StringBuilder("(k");
        int[] d = in.dims();
        if (d.length == 1) {
            sb.append(',');
        }
        for (int i = 1; i < d.length; i++) {
            sb.append(", ").append(d[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * The channel count C of the input.
     *
     * @return C
     */
    public final int channels() {
        return channels;
    }

    /**
     * The size of the first half.
     *
     * @return {@code len1}
     */
    public final int splitLen1() {
        return splitLen1;
    }

    /**
     * The size of the second half.
     *
     * @return {@code len2 = C − len1}
     */
    public final int splitLen2() {
        return splitLen2;
    }

    /**
     * The total channel count of the conditions.
     *
     * @return {@code Σ kᵢ}, 0 when unconditional
     */
    public final int conditionChannels() {
        return conditionChannels;
    }

    /**
     * Whether the block takes conditions.
     *
     * @return true if {@link #dimsC()} is not empty
     */
    public final boolean isConditional() {
        return !dimsC().isEmpty();
    }

    /**
     * The clamp factor: log-scales lie in {@code (−clamp, clamp)}.
     *
     * @return the clamp
     */
    public final double clamp() {
        return clamp;
    }

    /**
     * The clamp function.
     *
     * @return {@code f}
     */
    public final ClampActivation clampActivation() {
        return clampActivation;
    }

    /**
     * The output shape equals the input shape.
     *
     * @param inputDims exactly one shape
     * @return the same shapes
     */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        if (inputDims.size() != 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " takes exactly one input, got "
                    + inputDims.size());
        }
        return inputDims;
    }

    /**
     * The single input tensor, after checking its per-sample shape (direct calls of
     * {@link #forward(List, List, boolean, boolean)} skip the framework's checks).
     *
     * @param x the inputs
     * @return {@code x[0]}
     * @throws IllegalArgumentException when there is not exactly one tensor of the block's shape
     */
    protected final Tensor singleInput(List<Tensor> x) {
        Shape in = dimsIn().get(0);
        if (x.size() != 1 || !in.matches(x.get(0))) {
            String expected = Arrays.toString(in.withBatch(1)).replace("[1,", "[B,");
            throw new IllegalArgumentException(describe() + ": expected one tensor of shape " + expected + ", got "
                    + (x.size() == 1 ? Arrays.toString(x.get(0).shape()) : x.size() + " tensors"));
        }
        return x.get(0);
    }

    /**
     * Splits along the channel axis.
     *
     * @param x a batch of inputs
     * @return {@code [x1, x2]} with {@code len1} and {@code len2} channels
     */
    protected final List<Tensor> split(Tensor x) {
        return x.split(new int[] {splitLen1, splitLen2}, 1);
    }

    /**
     * Appends the conditions to a passive half along the channel axis.
     *
     * @param passive    the half that feeds a subnet
     * @param conditions the conditions (may be empty)
     * @return {@code cat([passive, c0, c1, …], 1)}, or {@code passive} itself without conditions
     */
    protected final Tensor withConditions(Tensor passive, List<Tensor> conditions) {
        if (conditions.isEmpty()) {
            return passive;
        }
        List<Tensor> parts = new ArrayList<>(conditions.size() + 1);
        parts.add(passive);
        parts.addAll(conditions);
        return Tensor.cat(parts, 1);
    }

    /**
     * The clamped log-scale {@code s = clamp · f(raw)}.
     *
     * @param raw the raw subnet output
     * @return {@code s}, same shape
     */
    protected final Tensor logScale(Tensor raw) {
        return clampActivation.apply(raw).mul(clamp);
    }

    /**
     * The non-batch axes of an input batch.
     *
     * @return {@code 1, …, rank}
     */
    protected final int[] sampleAxes() {
        return sampleAxes.clone();
    }

    /**
     * The per-sample sum over every non-batch axis.
     *
     * @param t a batch
     * @return shape {@code [B]}
     */
    protected final Tensor sumPerSample(Tensor t) {
        return t.sum(sampleAxes, false);
    }

    /**
     * The affine map {@code y = e^{s} ⊙ x + t} or, in reverse, {@code x = (y − t) ⊙ e^{−s}}.
     *
     * @param x        the active half (or the whole input)
     * @param logScale {@code s}, already clamped, shaped like {@code x}
     * @param shift    {@code t}, shaped like {@code x}
     * @param reverse  direction
     * @return the result and its log-det {@code ±Σ s} per sample
     */
    protected final FlowResult affine(Tensor x, Tensor logScale, Tensor shift, boolean reverse) {
        Tensor logDet = sumPerSample(logScale);
        if (reverse) {
            return FlowResult.of(x.sub(shift).mul(logScale.neg().exp()), logDet.neg());
        }
        return FlowResult.of(logScale.exp().mul(x).add(shift), logDet);
    }

    /**
     * {@link #affine} of the clamped log-scale {@code s = clamp · f(raw)}: for the named clamp functions one fused
     * op ({@link FusedAffineCoupling}: one pass forward and one backward, keeping only {@code raw} and {@code x}),
     * with {@code -Djinn.fusion=true}; otherwise, and for a {@link ClampActivation#custom custom} function, the
     * composed ops.
     *
     * @param x       the active half (or the whole input)
     * @param raw     the raw log-scale from the subnet, shaped like {@code x}
     * @param shift   {@code t}, shaped like {@code x}
     * @param reverse direction
     * @return the result and its log-det {@code ±Σ s} per sample
     */
    protected final FlowResult clampedAffine(Tensor x, Tensor raw, Tensor shift, boolean reverse) {
        AffineCouplingKernel.Shape shape = clampActivation.fusedShape();
        if (shape == null || !FUSION) {
            return affine(x, logScale(raw), shift, reverse);
        }
        Tensor[] r = new FusedAffineCoupling(shape, clamp, clampActivation.divisor(), reverse).apply(x, raw, shift);
        return FlowResult.of(r[0], r[1]);
    }

    /**
     * A log-det of zero for every sample, in the dtype of {@code like}.
     *
     * @param like a batch
     * @return zeros of shape {@code [B]}
     */
    protected static Tensor zeroLogDet(Tensor like) {
        return Tensors.zeros(like.dtype(), like.size(0));
    }
}
