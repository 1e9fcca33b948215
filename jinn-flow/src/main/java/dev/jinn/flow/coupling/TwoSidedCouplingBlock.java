package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The two-sided coupling scheme of NICE, RealNVP, GLOW and GIN (and of FrEIA's binned spline blocks): both
 * halves are transformed in turn, each conditioned on the other.
 *
 * <p>Forward: {@code y1 = coupling1(x1 | [x2, c])}, then {@code y2 = coupling2(x2 | [y1, c])}; output
 * {@code cat(y1, y2)}, log-det {@code j1 + j2}. Reverse undoes the two steps in the opposite order:
 * {@code x2 = coupling2⁻¹(y2 | [y1, c])}, then {@code x1 = coupling1⁻¹(y1 | [x2, c])}, log-det
 * {@code −(j1 + j2)}. Each step is triangular with the other half held fixed, so the block is invertible
 * whatever the subnets are, and the log-det is the sum of the two steps' log-dets.
 *
 * <p>A subclass only defines the two steps.
 */
public abstract class TwoSidedCouplingBlock extends CouplingBlock {
    /**
     * Validates the shapes and resolves the split (see {@link CouplingBlock}).
     *
     * @param dimsIn          one input shape
     * @param dimsC           condition shapes
     * @param split           where to split the channels
     * @param clamp           the clamp factor
     * @param clampActivation the clamp function
     */
    protected TwoSidedCouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, SplitLength split, double clamp,
            ClampActivation clampActivation) {
        super(dimsIn, dimsC, split, clamp, clampActivation);
    }

    /**
     * The first step: transforms the first half.
     *
     * @param x1      the first half ({@code len1} channels)
     * @param u2      the conditioner: the other half with the conditions appended ({@code len2 + Σ kᵢ} channels)
     * @param reverse whether to apply the step's inverse
     * @return the new first half and the step's log-det {@code [B]} (of the inverse when {@code reverse})
     */
    protected abstract FlowResult coupling1(Tensor x1, Tensor u2, boolean reverse);

    /**
     * The second step: transforms the second half.
     *
     * @param x2      the second half ({@code len2} channels)
     * @param u1      the conditioner: the (new) first half with the conditions appended
     * @param reverse whether to apply the step's inverse
     * @return the new second half and the step's log-det {@code [B]} (of the inverse when {@code reverse})
     */
    protected abstract FlowResult coupling2(Tensor x2, Tensor u1, boolean reverse);

    @Override
    public final FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        List<Tensor> halves = split(singleInput(x));
        Tensor x1 = halves.get(0);
        Tensor x2 = halves.get(1);
        FlowResult r1;
        FlowResult r2;
        if (!reverse) {
            r1 = coupling1(x1, withConditions(x2, c), false);
            r2 = coupling2(x2, withConditions(r1.output(), c), false);
        } else {
            // Here x1, x2 are the halves of the output y; the second step is undone first.
            r2 = coupling2(x2, withConditions(x1, c), true);
            r1 = coupling1(x1, withConditions(r2.output(), c), true);
        }
        return FlowResult.of(Tensor.cat(List.of(r1.output(), r2.output()), 1), r1.logDet().add(r2.logDet()));
    }
}
