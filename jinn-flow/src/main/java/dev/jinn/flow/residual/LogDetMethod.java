package dev.jinn.flow.residual;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * How a residual block {@code F(x) = x + g(x)} computes {@code log det J_F(x) = log det(I + J_g(x))} per sample.
 * For {@code Lip(g) < 1} the determinant is positive and
 * {@code log det(I + J_g) = Σ_{k≥1} (−1)^{k+1} tr(J_gᵏ)/k} (Behrmann et al. 2019).
 *
 * <ul>
 *   <li>{@link #exact()}: the full Jacobian of {@code g} from {@code d} vector-Jacobian products with the unit
 *       vectors ({@code d} = values per sample), then {@code slogdet(I + J_g)}. Exact; cost grows with d.</li>
 *   <li>{@link #powerSeries(int, int)}: the series truncated after {@code n} terms, each trace by Hutchinson's
 *       estimator {@code vᵀJ_gᵏv} with {@code k} probes; {@code vᵀJ_gᵏ} comes from k chained vector-Jacobian
 *       products. Biased by the truncation: for {@code Lip(g) ≤ L} the error is at most
 *       {@code d·L^{n+1}/((n+1)(1−L))}.</li>
 *   <li>{@link #russianRoulette(int, int)}: unbiased (Chen et al. 2019): draw {@code N ~ Geometric(p)} on
 *       {0, 1, ...} once per call, use {@code n_exact + N} terms and divide term {@code k > n_exact} by
 *       {@code P(N ≥ k − n_exact) = (1−p)^{k−n_exact}}, so its expectation is the whole series.</li>
 * </ul>
 * The estimates are differentiable with respect to the parameters and the input (the products are taken with
 * {@code createGraph}), as training needs; FrEIA's is not. With {@link #neumannGradient(boolean)} the value is
 * computed without keeping the products' graphs, and the gradient comes from the Neumann series
 * {@code ∂ log det(I + J) = tr((I + J)⁻¹ ∂J) ≈ Σ_{k=0}^{n−1} (−1)^k vᵀJᵏ (∂J) v} (same truncation and weights):
 * one product carries a graph instead of n, which saves memory; that gradient is unbiased for the gradient of
 * the (truncated or roulette) series, but not equal, probe by probe, to the derivative of the value.
 *
 * <p>The series methods use the exact method in eval mode for samples of at most 16 values (see
 * {@link #exactInEvalUpTo(int)}). Probes and roulette draws come from the {@link Rng} passed in. Immutable: the
 * setters return modified copies.
 */
public final class LogDetMethod {
    private static final int MAX_ROULETTE_EXTRA_TERMS = 200;

    private enum Kind { EXACT, SERIES, ROULETTE }

    private final Kind kind;
    private final int terms;
    private final int probes;
    private final ProbeDistribution distribution;
    private final double p;
    private final boolean neumann;
    private final int exactInEvalUpTo;

    private LogDetMethod(Kind kind, int terms, int probes, ProbeDistribution distribution, double p, boolean neumann,
            int exactInEvalUpTo) {
        this.kind = kind;
        this.terms = terms;
        this.probes = probes;
        this.distribution = distribution;
        this.p = p;
        this.neumann = neumann;
        this.exactInEvalUpTo = exactInEvalUpTo;
    }

    /**
     * The exact log-det from the brute-force Jacobian, in training and eval.
     *
     * @return the method
     */
    public static LogDetMethod exact() {
        return new LogDetMethod(Kind.EXACT, 0, 0, ProbeDistribution.RADEMACHER, 0.5, false, 0);
    }

    /**
     * The power series truncated after {@code terms} terms with {@code probes} Rademacher probes (FrEIA's
     * estimator with {@code jacobian_iterations} and {@code hutchinson_samples}); exact in eval for up to 16
     * values per sample.
     *
     * @param terms  n, at least 1
     * @param probes k, at least 1
     * @return the method
     */
    public static LogDetMethod powerSeries(int terms, int probes) {
        check(terms >= 1, "the number of terms must be >= 1, got " + terms);
        check(probes >= 1, "the number of probes must be >= 1, got " + probes);
        return new LogDetMethod(Kind.SERIES, terms, probes, ProbeDistribution.RADEMACHER, 0.5, false, 16);
    }

    /**
     * The unbiased Russian-roulette estimator with {@code exactTerms} terms always computed, {@code N ~
     * Geometric(0.5)} extra terms and {@code probes} Rademacher probes; exact in eval for up to 16 values per
     * sample.
     *
     * @param exactTerms n_exact, at least 1
     * @param probes     k, at least 1
     * @return the method
     */
    public static LogDetMethod russianRoulette(int exactTerms, int probes) {
        check(exactTerms >= 1, "the number of exact terms must be >= 1, got " + exactTerms);
        check(probes >= 1, "the number of probes must be >= 1, got " + probes);
        return new LogDetMethod(Kind.ROULETTE, exactTerms, probes, ProbeDistribution.RADEMACHER, 0.5, false, 16);
    }

    /**
     * The same method with another probe distribution.
     *
     * @param dist Rademacher or Gaussian
     * @return the new method
     */
    public LogDetMethod probeDistribution(ProbeDistribution dist) {
        check(dist != null, "the probe distribution must not be null");
        return new LogDetMethod(kind, terms, probes, dist, p, neumann, exactInEvalUpTo);
    }

    /**
     * The same roulette method with another success probability of the geometric draw (default 0.5: one extra
     * term on average).
     *
     * @param probability in (0, 1)
     * @return the new method
     */
    public LogDetMethod geometricP(double probability) {
        check(probability > 0 && probability < 1, "the geometric p must be in (0, 1), got " + probability);
        return new LogDetMethod(kind, terms, probes, distribution, probability, neumann, exactInEvalUpTo);
    }

    /**
     * The same series method with (or without) the memory-saving Neumann gradient.
     *
     * @param enabled use the Neumann-series gradient
     * @return the new method
     */
    public LogDetMethod neumannGradient(boolean enabled) {
        return new LogDetMethod(kind, terms, probes, distribution, p, enabled, exactInEvalUpTo);
    }

    /**
     * The same method, computing the exact log-det in eval mode when a sample has at most {@code dims} values
     * (default 16 for the series methods; 0 never).
     *
     * @param dims the largest sample size computed exactly in eval mode
     * @return the new method
     */
    public LogDetMethod exactInEvalUpTo(int dims) {
        check(dims >= 0, "exactInEvalUpTo must be >= 0, got " + dims);
        return new LogDetMethod(kind, terms, probes, distribution, p, neumann, dims);
    }

    /**
     * Whether this method computes the exact value for samples of {@code d} values.
     *
     * @param d        values per sample
     * @param training whether the module is in training mode
     * @return true if {@link #estimate} will use the brute-force Jacobian
     */
    public boolean isExact(int d, boolean training) {
        return kind == Kind.EXACT || (!training && d <= exactInEvalUpTo);
    }

    /**
     * Computes {@code log det(I + J_g(x))} per sample from the recorded evaluation {@code gx = g(x)}.
     *
     * @param x              the input batch; it must require a gradient (a leaf copy of the data will do)
     * @param gx             {@code g(x)}, computed with autograd on from {@code x}
     * @param training       whether the module is in training mode (see {@link #exactInEvalUpTo(int)})
     * @param differentiable keep the graph, so that the result can be differentiated (with respect to the
     *                       parameters and {@code x})
     * @param rng            the generator of probes and roulette draws
     * @return {@code [B]}
     */
    public Tensor estimate(Tensor x, Tensor gx, boolean training, boolean differentiable, Rng rng) {
        int batch = x.size(0);
        int d = x.numel() / Math.max(batch, 1);
        try (var s = Grad.enabled()) {
            if (isExact(d, training)) {
                return exactLogDet(x, gx, batch, d, differentiable);
            }
            double[] rho = termWeights(rng);
            return neumann ? neumannSeries(x, gx, rho, differentiable, rng) : series(x, gx, rho, differentiable, rng);
        }
    }

    /** ρ_k for k = 1..n: 1 for the truncated series and the exact terms, 1/P(N ≥ k − n_exact) after them. */
    private double[] termWeights(Rng rng) {
        if (kind == Kind.SERIES) {
            double[] rho = new double[terms];
            Arrays.fill(rho, 1.0);
            return rho;
        }
        // N = ⌊log(1 − U) / log(1 − p)⌋ has P(N ≥ m) = (1 − p)^m.
        double u = rng.nextDouble();
        int extra = (int) Math.min(MAX_ROULETTE_EXTRA_TERMS, Math.floor(Math.log1p(-u) / Math.log1p(-p)));
        double[] rho = new double[terms + extra];
        for (int k = 1; k <= rho.length; k++) {
            rho[k - 1] = k <= terms ? 1.0 : Math.pow(1 - p, -(k - terms));
        }
        return rho;
    }

    private static Tensor vjp(Tensor gx, Tensor x, Tensor w, boolean createGraph) {
        return Grad.grad(List.of(gx), List.of(x), List.of(w), createGraph, true).get(0);
    }

    private static Tensor dotPerSample(Tensor a, Tensor b) {
        return a.mul(b).reshape(a.size(0), -1).sum(1);
    }

    private Tensor series(Tensor x, Tensor gx, double[] rho, boolean differentiable, Rng rng) {
        Tensor total = null;
        for (int probe = 0; probe < probes; probe++) {
            Tensor v = distribution.sample(rng, x.dtype(), x.shape());
            Tensor w = v;
            for (int k = 1; k <= rho.length; k++) {
                w = vjp(gx, x, w, differentiable);
                Tensor term = dotPerSample(w, v).mul(sign(k) * rho[k - 1] / k);
                total = total == null ? term : total.add(term);
            }
        }
        return total.div(probes);
    }

    private Tensor neumannSeries(Tensor x, Tensor gx, double[] rho, boolean differentiable, Rng rng) {
        Tensor value = null;
        Tensor surrogate = null;
        for (int probe = 0; probe < probes; probe++) {
            Tensor v = distribution.sample(rng, x.dtype(), x.shape());
            Tensor w = v;
            // Σ_{k=1}^{n} (−1)^{k+1} ρ_k vᵀJ^{k−1}, the vector whose product with ∂J v estimates the gradient.
            Tensor neumannVector = v.mul(rho[0]);
            for (int k = 1; k <= rho.length; k++) {
                w = vjp(gx, x, w, false);
                Tensor term = dotPerSample(w, v).mul(sign(k) * rho[k - 1] / k);
                value = value == null ? term : value.add(term);
                if (k < rho.length) {
                    neumannVector = neumannVector.add(w.mul(sign(k + 1) * rho[k]));
                }
            }
            if (differentiable) {
                Tensor s = dotPerSample(vjp(gx, x, neumannVector, true), v);
                surrogate = surrogate == null ? s : surrogate.add(s);
            }
        }
        value = value.div(probes).detach();
        if (!differentiable) {
            return value;
        }
        surrogate = surrogate.div(probes);
        // The value of the series, the gradient of the surrogate.
        return value.add(surrogate.sub(surrogate.detach()));
    }

    private static double sign(int k) {
        return k % 2 == 1 ? 1.0 : -1.0;
    }

    private static Tensor exactLogDet(Tensor x, Tensor gx, int batch, int d, boolean differentiable) {
        DType dtype = x.dtype();
        int[] shape = x.shape();
        Tensor[] rows = new Tensor[d];
        for (int j = 0; j < d; j++) {
            double[] seed = new double[batch * d];
            for (int b = 0; b < batch; b++) {
                seed[b * d + j] = 1;
            }
            Tensor e = Tensors.of(seed, shape).to(dtype);
            rows[j] = vjp(gx, x, e, differentiable).reshape(batch, 1, d);
        }
        Tensor jac = Tensor.cat(List.of(rows), 1);
        return jac.add(Tensors.eye(dtype, d)).slogdet().logAbsDet();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("LogDetMethod: " + message);
        }
    }

    @Override
    public String toString() {
        switch (kind) {
            case EXACT:
                return "LogDetMethod.exact()";
            case SERIES:
                return "LogDetMethod.powerSeries(terms=" + terms + ", probes=" + probes + ", " + distribution
                        + (neumann ? ", neumannGradient" : "") + ", exactInEvalUpTo=" + exactInEvalUpTo + ")";
            default:
                return "LogDetMethod.russianRoulette(exactTerms=" + terms + ", probes=" + probes + ", p=" + p + ", "
                        + distribution + (neumann ? ", neumannGradient" : "") + ", exactInEvalUpTo="
                        + exactInEvalUpTo + ")";
        }
    }
}
