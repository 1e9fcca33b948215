package dev.jinn.nn;

/**
 * What {@link ConvTranspose1d} and {@link ConvTranspose2d} add to {@link ConvNd}, as PyTorch's
 * {@code _ConvTransposeNd}: the output padding's getter.
 */
abstract class ConvTransposeNd extends ConvNd {
    /**
     * The layer the builder describes, checking the options.
     *
     * @param b the finished builder
     */
    ConvTransposeNd(ConvBuilder.Transposed<?, ?> b) {
        super(b);
    }

    /**
     * Extra size added at the end of each spatial dim of the output.
     *
     * @return a copy of {@code output_padding}
     */
    public int[] outputPadding() {
        return outputPadding.clone();
    }
}
