package dev.jinn.flow.norm;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Activation normalisation (Kingma and Dhariwal 2018, arXiv 1807.03039), FrEIA's {@code ActNorm}: a per-channel
 * affine map whose parameters are set from the first batch it sees, so that this batch comes out with zero mean
 * and unit standard deviation per channel.
 *
 * <p>Formula: {@code y = (x − loc) ⊙ e^{−log_scale}}, reverse {@code x = y ⊙ e^{log_scale} + loc}, with parameters
 * {@code log_scale} and {@code loc} of shape {@code (1, C, 1, …)} broadcast over the pixels. Log-det:
 * {@code −P·Σ_c log_scale_c} forward, {@code +P·Σ_c log_scale_c} reverse, P the number of pixels per channel
 * (1 for vectors).
 *
 * <p>Initialisation: on the first call in either direction (or from data given to the constructor), with the
 * statistics taken per channel over the batch and pixel axes of that call's input: {@code loc = mean},
 * {@code log_scale = ln(std)} with the unbiased standard deviation. A channel whose standard deviation is
 * (nearly) zero, or not finite, is an error. The statistics are computed in float64 whatever the data's dtype.
 * A module loaded from a state dict with {@code is_initialized = true} is not re-initialised.
 *
 * <p>State dict as FrEIA's: {@code log_scale}, {@code loc} (float) and the bool 0-dim buffer
 * {@code is_initialized}. Before initialisation the parameters hold 0 (FrEIA leaves them uninitialised).
 */
public final class ActNorm extends InvertibleModule {
    /** Standard deviations at most this are treated as zero (as {@code torch.isclose(std, 0)}). */
    private static final double ZERO_STD = 1e-8;

    private final Shape shape;

    /**
     * An ActNorm module that initialises itself on its first call.
     *
     * @param dimsIn one input shape {@code (C, …)}
     */
    public ActNorm(List<Shape> dimsIn) {
        this(dimsIn, null);
    }

    /**
     * An ActNorm module initialised from given data (FrEIA's {@code init_data}).
     *
     * @param dimsIn   one input shape {@code (C, …)}
     * @param initData a batch {@code [B, C, …]} to take the statistics from, or null to wait for the first call
     */
    public ActNorm(List<Shape> dimsIn, Tensor initData) {
        super(dimsIn, List.of());
        this.shape = SingleInput.of("ActNorm", dimsIn);
        int[] perChannel = new int[shape.rank() + 1];
        Arrays.fill(perChannel, 1);
        perChannel[1] = shape.channels();
        registerParameter("log_scale", Tensors.zeros(perChannel));
        registerParameter("loc", Tensors.zeros(perChannel));
        registerBuffer("is_initialized", Tensors.scalar(0, DType.BOOL), true);
        if (initData != null) {
            initialize(initData);
        }
    }

    /**
     * The spec: initialisation from the first batch.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return in -> new ActNorm(in);
    }

    /**
     * The spec with initialisation data.
     *
     * @param initData a batch of inputs {@code [B, C, …]}
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(Tensor initData) {
        if (initData == null) {
            throw new IllegalArgumentException("ActNorm.spec: initData must not be null (use spec() to initialise"
                    + " from the first batch)");
        }
        return in -> new ActNorm(in, initData);
    }

    /**
     * Whether the parameters have been set from data (or loaded).
     *
     * @return the value of the {@code is_initialized} buffer
     */
    public boolean isInitialized() {
        return buffer("is_initialized").item() != 0;
    }

    /**
     * Sets {@code loc} and {@code log_scale} from a batch so that it is normalised to zero mean and unit
     * (unbiased) standard deviation per channel, and marks the module initialised.
     *
     * @param data a batch {@code [B, C, …]} of this module's input shape
     * @throws IllegalArgumentException if the shape is wrong, a channel has fewer than two values, or a channel's
     *                                  standard deviation is zero or not finite
     */
    public void initialize(Tensor data) {
        if (data == null || !shape.matches(data)) {
            throw new IllegalArgumentException(describe() + ": initialisation data must have shape [B, "
                    + inner(shape) + "], got " + (data == null ? "null" : Arrays.toString(data.shape())));
        }
        int perChannelCount = data.size(0) * shape.spatialNumel();
        if (perChannelCount < 2) {
            throw new IllegalArgumentException(describe() + ": initialisation needs at least two values per channel"
                    + " for an unbiased standard deviation, got a batch of shape " + Arrays.toString(data.shape()));
        }
        int[] axes = new int[shape.rank()];
        for (int a = 1; a < axes.length; a++) {
            axes[a] = a + 1;
        }
        try (var g = Grad.disabled()) {
            Tensor d = data.detach().to(DType.FLOAT64);
            Tensor mean = d.mean(axes, true);
            Tensor std = d.std(axes, true, true);
            double[] stds = std.toDoubleArray();
            List<Integer> bad = new ArrayList<>();
            for (int ch = 0; ch < stds.length; ch++) {
                if (!(stds[ch] > ZERO_STD && Double.isFinite(stds[ch]))) {
                    bad.add(ch);
                }
            }
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(describe() + ": cannot initialise from data: channel(s) " + bad
                        + " have a standard deviation that is zero or not finite (" + Arrays.toString(stds) + ")");
            }
            parameter("log_scale").copyFrom(std.log());
            parameter("loc").copyFrom(mean);
            buffer("is_initialized").fill(1);
        }
    }

    /** Normalises (forward) or de-normalises (reverse), initialising from the input first if needed. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        if (!isInitialized()) {
            initialize(in);
        }
        Tensor logScale = parameter("log_scale");
        Tensor loc = parameter("loc");
        Tensor logDet = logScale.sum().mul(reverse ? shape.spatialNumel() : -shape.spatialNumel());
        Tensor out = reverse ? in.mul(logScale.exp()).add(loc) : in.sub(loc).mul(logScale.neg().exp());
        return FlowResult.of(out, logDet.expand(in.size(0)));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of("ActNorm", inputDims));
    }

    private static String inner(Shape s) {
        String t = Arrays.toString(s.dims());
        return t.substring(1, t.length() - 1);
    }
}
