package dev.jinn.flow.coupling;

/**
 * Where a coupling block splits its channels, FrEIA's {@code split_len}: either a fraction of the channel
 * count or an exact count. The first {@code len1} channels form the first half, the remaining
 * {@code len2 = C − len1} the second.
 *
 * <p>A fraction {@code f ∈ [0, 1]} gives {@code len1 = round(C·f)} rounded half to even, as Python's
 * {@code round}: with the default 0.5, C = 1, 3, 5, 7 give len1 = 0, 2, 2, 4. A count {@code n} gives
 * {@code len1 = n} and must satisfy {@code 0 ≤ n ≤ C}.
 */
public final class SplitLength {
    /** FrEIA's default, {@code split_len=0.5}. */
    public static final SplitLength HALF = fraction(0.5);

    private final double fraction;
    private final int count;

    private SplitLength(double fraction, int count) {
        this.fraction = fraction;
        this.count = count;
    }

    /**
     * A split at a fraction of the channels.
     *
     * @param fraction in {@code [0, 1]}
     * @return the split
     * @throws IllegalArgumentException outside {@code [0, 1]} (or NaN)
     */
    public static SplitLength fraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("Float split_len must be in range [0, 1], but is: " + fraction);
        }
        return new SplitLength(fraction, -1);
    }

    /**
     * A split after exactly {@code count} channels.
     *
     * @param count the size of the first half, {@code >= 0} (checked against the channel count when the block
     *              is built)
     * @return the split
     * @throws IllegalArgumentException for a negative count
     */
    public static SplitLength count(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("Integer split_len must be >= 0, but is: " + count);
        }
        return new SplitLength(Double.NaN, count);
    }

    /**
     * The size of the first half for a given channel count.
     *
     * @param who      the block, for the message
     * @param channels the channel count C
     * @return {@code len1}, in {@code [0, C]}
     * @throws IllegalArgumentException when an integer split exceeds C
     */
    public int firstLength(String who, int channels) {
        if (count < 0) {
            // Math.rint rounds half to even, like Python's round().
            return (int) Math.rint(channels * fraction);
        }
        if (count > channels) {
            throw new IllegalArgumentException(who + ": integer split_len must be in range 0 <= split_len <= "
                    + channels + " (the channel count), but is: " + count);
        }
        return count;
    }

    /**
     * Python's notation of the value.
     *
     * @return e.g. {@code 0.5} or {@code 2}
     */
    @Override
    public String toString() {
        return count < 0 ? Double.toString(fraction) : Integer.toString(count);
    }
}
