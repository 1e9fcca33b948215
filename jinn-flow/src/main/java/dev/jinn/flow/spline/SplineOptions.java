package dev.jinn.flow.spline;

import java.util.function.Consumer;

/**
 * The spline settings (FrEIA's {@code bins}, {@code min_bin_sizes}, {@code default_domain},
 * {@code identity_tails}, {@code domain_clamping}) as setters shared by every spline module's builder. A builder
 * only says where its {@link BinSettings.Builder} is; the settings are validated when the module is built.
 *
 * @param <B> the builder type, returned by every setter
 */
public interface SplineOptions<B> {
    /**
     * Applies a change to the builder's spline settings.
     *
     * @param change what to set
     * @return the builder
     */
    B configureBins(Consumer<BinSettings.Builder> change);

    /**
     * The number of bins (default 10).
     *
     * @param n at least 1
     * @return the builder
     */
    default B bins(int n) {
        return configureBins(s -> s.bins(n));
    }

    /**
     * The smallest bin width and height (default 0.1 each).
     *
     * @param width  at least 0
     * @param height at least 0
     * @return the builder
     */
    default B minBinSizes(double width, double height) {
        return configureBins(s -> s.minBinSizes(width, height));
    }

    /**
     * The domain a zero network output gives, {@code [left, right] × [bottom, top]} (default {@code (−3, 3, −3, 3)}).
     *
     * @param left   the left end
     * @param right  the right end
     * @param bottom the bottom
     * @param top    the top
     * @return the builder
     */
    default B defaultDomain(double left, double right, double bottom, double top) {
        return configureBins(s -> s.defaultDomain(left, right, bottom, top));
    }

    /**
     * Identity tails instead of affine ones (default false).
     *
     * @param identity whether the tails are the identity
     * @return the builder
     */
    default B identityTails(boolean identity) {
        return configureBins(s -> s.identityTails(identity));
    }

    /**
     * Clamps the size of the spline's domain below {@code D} (default: none).
     *
     * @param clamp {@code D > 0}
     * @return the builder
     */
    default B domainClamping(double clamp) {
        return configureBins(s -> s.domainClamping(clamp));
    }
}
