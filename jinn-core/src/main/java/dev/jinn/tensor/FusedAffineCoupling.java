package dev.jinn.tensor;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.autograd.Grad;
import dev.jinn.kernel.AffineCouplingKernel;
import java.util.Arrays;

/**
 * The clamped affine map of a coupling block as one autograd op: {@code s = clamp · f(raw / divisor)}, then
 * {@code y = e^{s} ⊙ x + t} with log-det {@code Σ s} per sample, or in reverse {@code y = (x − t) ⊙ e^{−s}} with
 * {@code −Σ s}. Forward and backward are one pass each over the operands ({@link AffineCouplingKernel}); only
 * {@code raw} and {@code x} (in reverse: the output) are kept for the backward pass, where the unfused ops keep
 * about six tensors of the operands' size.
 *
 * <p>When the backward pass is itself recorded (gradients of gradients), the gradients are formed from
 * differentiable tensor ops instead, with the same formulas.
 *
 * <pre>{@code
 * Tensor[] yAndLogDet = new FusedAffineCoupling(AffineCouplingKernel.Shape.ATAN, 2.0, 1.0, false)
 *         .apply(x2, raw, shift);
 * }</pre>
 */
public final class FusedAffineCoupling extends Function {
    private final AffineCouplingKernel.Shape shape;
    private final double clamp;
    private final double divisor;
    private final boolean reverse;
    private final AffineCouplingKernel kernel;

    /**
     * The op for one clamp and direction.
     *
     * @param shape   the clamp function {@code f}
     * @param clamp   its factor
     * @param divisor what the raw values are divided by before {@code f} (positive)
     * @param reverse the inverse map
     */
    public FusedAffineCoupling(AffineCouplingKernel.Shape shape, double clamp, double divisor, boolean reverse) {
        this.shape = shape;
        this.clamp = clamp;
        this.divisor = divisor;
        this.reverse = reverse;
        this.kernel = new AffineCouplingKernel(shape, clamp, divisor, reverse);
    }

    /**
     * Inputs {@code (x, raw, shift)}, all of one shape {@code [B, ...]} and one floating dtype; outputs
     * {@code (y, logDet)} with {@code y} shaped like {@code x} and {@code logDet} of shape {@code [B]}.
     */
    @Override
    protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
        check(in);
        Tensor x = perSample(in[0]);
        Tensor raw = perSample(in[1]);
        Tensor shift = perSample(in[2]);
        int samples = x.shape[0];
        int inner = samples == 0 ? 0 : x.numel / samples;
        Tensor y = Tensor.empty(x.dtype, x.shape.clone());
        Tensor logDet = Tensor.empty(x.dtype, new int[] {samples});
        kernel.forward(samples, inner, operands(x, raw, shift), y.data(), logDet.data());
        ctx.saveForBackward(reverse ? y : x, raw, shift);
        return new Tensor[] {y, logDet};
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor... grads) {
        Tensor x = ctx.savedTensors().get(0);
        Tensor raw = ctx.savedTensors().get(1);
        Tensor shift = ctx.savedTensors().get(2);
        if (Grad.isEnabled()) {
            return recorded(ctx, x, raw, grads[0], grads[1]);
        }
        int samples = x.shape[0];
        int inner = samples == 0 ? 0 : x.numel / samples;
        Tensor gy = grads[0].contiguous();
        Tensor gl = grads[1].contiguous();
        Tensor gx = ctx.needsInputGrad(0) ? Tensor.empty(x.dtype, x.shape.clone()) : null;
        Tensor gRaw = ctx.needsInputGrad(1) ? Tensor.empty(x.dtype, x.shape.clone()) : null;
        Tensor gShift = ctx.needsInputGrad(2) ? Tensor.empty(x.dtype, x.shape.clone()) : null;
        kernel.backward(samples, inner, operands(x, raw, shift), offsetFree(gy), offsetFree(gl),
                gx == null ? null : gx.data(), gRaw == null ? null : gRaw.data(), gShift == null ? null : gShift.data());
        return new Tensor[] {gx, gRaw, gShift};
    }

    /** The same gradients from differentiable ops (x: the input forward, the output in reverse). */
    private Tensor[] recorded(FunctionContext ctx, Tensor x, Tensor raw, Tensor gy, Tensor gLogDet) {
        Tensor u = raw.div(divisor);
        Tensor f = switch (shape) {
            case ATAN -> u.atan().mul(0.636);
            case TANH -> u.tanh();
            case SIGMOID -> u.sigmoid().sub(0.5).mul(2.0);
        };
        Tensor slope = switch (shape) {
            case ATAN -> u.square().add(1.0).reciprocal().mul(0.636);
            case TANH, SIGMOID -> f.square().neg().add(1.0).mul(shape == AffineCouplingKernel.Shape.TANH ? 1.0 : 0.5);
        };
        Tensor ds = slope.mul(clamp / divisor);
        Tensor scale = f.mul(reverse ? -clamp : clamp).exp();
        int[] column = new int[x.shape.length];
        Arrays.fill(column, 1);
        column[0] = x.shape[0];
        Tensor gl = gLogDet.reshape(column);
        Tensor gScaled = gy.mul(scale);
        Tensor gRaw = reverse ? gy.mul(x).add(gl).neg().mul(ds) : gScaled.mul(x).add(gl).mul(ds);
        return new Tensor[] {
            ctx.needsInputGrad(0) ? gScaled : null,
            ctx.needsInputGrad(1) ? gRaw : null,
            ctx.needsInputGrad(2) ? (reverse ? gScaled.neg() : gy) : null};
    }

    private static void check(Tensor[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("FusedAffineCoupling: expected (x, raw, shift), got " + in.length
                    + " tensors");
        }
        Tensor x = in[0];
        for (int i = 1; i < 3; i++) {
            if (!Arrays.equals(in[i].shape, x.shape) || in[i].dtype != x.dtype) {
                throw new IllegalArgumentException("FusedAffineCoupling: " + (i == 1 ? "raw" : "shift") + " is "
                        + in[i].dtype + Shapes.str(in[i].shape) + ", expected x's " + x.dtype + Shapes.str(x.shape));
            }
        }
        if (!x.dtype.isFloatingPoint() || x.shape.length < 2) {
            throw new IllegalArgumentException("FusedAffineCoupling: expected a floating batch [B, ...], got "
                    + x.dtype + Shapes.str(x.shape));
        }
    }

    /** The tensor itself when each sample's elements are contiguous (any stride between samples), else a copy. */
    private static Tensor perSample(Tensor t) {
        int expected = 1;
        for (int d = t.shape.length - 1; d >= 1; d--) {
            if (t.shape[d] != 1 && t.strides[d] != expected) {
                return Elementwise.copy(t, t.dtype);
            }
            expected *= t.shape[d];
        }
        return t;
    }

    private static AffineCouplingKernel.Operands operands(Tensor x, Tensor raw, Tensor shift) {
        return new AffineCouplingKernel.Operands(x.data(), x.offset, sampleStride(x), raw.data(), raw.offset,
                sampleStride(raw), shift.data(), shift.offset, sampleStride(shift));
    }

    private static int sampleStride(Tensor t) {
        return t.shape[0] == 1 ? 0 : t.strides[0];
    }

    /** A contiguous tensor's storage starting at element 0. */
    private static Object offsetFree(Tensor t) {
        return t.offset == 0 ? t.data() : Elementwise.copy(t, t.dtype).data();
    }
}
