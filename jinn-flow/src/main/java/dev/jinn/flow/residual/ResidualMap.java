package dev.jinn.flow.residual;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * The mechanics of {@link IResNetLayer}'s map {@code F(x) = x + g(x)}: one binding of the branch per call (so
 * that every evaluation sees the same weights), the log-det, and the fixed-point inverse with one extra
 * differentiable step.
 */
final class ResidualMap {
    private ResidualMap() {
    }

    /** A forward result: {@code y = x + g(x)} and the log-det (null when not requested). */
    record Forward(Tensor y, Tensor logDet) {
    }

    /** An inverse result: {@code x}, the log-det of the inverse map (null when not requested), the solver's report. */
    record Inverse(Tensor x, Tensor logDet, FixedPointResult solution) {
    }

    /**
     * Computes {@code y = x + g(x)} and, if asked, {@code log det(I + J_g(x))}. In training mode the power
     * iterations of soft-normalised layers advance first.
     */
    static Forward forward(ResidualBranch branch, LogDetMethod method, Rng rng, Tensor x, boolean training,
            boolean computeLogDet) {
        UnaryOperator<Tensor> g = branch.bind(branch.sampleOf(x), training);
        if (!computeLogDet) {
            return new Forward(x.add(g.apply(x)), null);
        }
        boolean record = Grad.isEnabled();
        try (var s = Grad.enabled()) {
            // Jacobian products need x in the graph; a leaf copy stands in for data that does not track gradients.
            Tensor xt = x.requiresGrad() ? x : x.detach().requiresGrad(true);
            Tensor gx = g.apply(xt);
            Tensor logDet = method.estimate(xt, gx, training, record, rng);
            Tensor y = xt.add(gx);
            return record ? new Forward(y, logDet) : new Forward(y.detach(), logDet.detach());
        }
    }

    /**
     * Solves {@code x + g(x) = y} by fixed-point iteration (no autograd), then takes one more step
     * {@code x = y − g(x̂)} with autograd, so that the result depends differentiably on {@code y} and the parameters
     * (as FrEIA does). The log-det of the inverse, {@code −log det(I + J_g(x))}, is evaluated at the recovered
     * {@code x} (FrEIA evaluates it at {@code y}, which is wrong). The power iterations do not advance.
     */
    static Inverse inverse(ResidualBranch branch, FixedPointSolver solver, LogDetMethod method, Rng rng, Tensor y,
            boolean training, boolean computeLogDet, String who) {
        UnaryOperator<Tensor> g = branch.bind(branch.sampleOf(y), false);
        FixedPointResult solution = solver.solve(g, y, who);
        Tensor x = y.sub(g.apply(solution.x()));
        if (!computeLogDet) {
            return new Inverse(x, null, solution);
        }
        boolean record = Grad.isEnabled();
        try (var s = Grad.enabled()) {
            Tensor xt = x.requiresGrad() ? x : x.detach().requiresGrad(true);
            Tensor logDet = method.estimate(xt, g.apply(xt), training, record, rng).neg();
            return new Inverse(x, record ? logDet : logDet.detach(), solution);
        }
    }
}
