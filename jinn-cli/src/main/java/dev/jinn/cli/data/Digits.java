package dev.jinn.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The 8×8 handwritten digits of the UCI "Optical Recognition of Handwritten Digits" data set (E. Alpaydin and
 * C. Kaynak, 1998; CC BY 4.0; see {@code DIGITS-CITATION.txt} beside the resource): 1797 images of the digits
 * 0–9, each 64 pixel counts from 0 to 16 in row-major order. Bundled as a resource, read once.
 */
public final class Digits {
    /** The number of images. */
    public static final int COUNT = 1797;
    /** Pixels per image (8×8). */
    public static final int PIXELS = 64;
    /** Pixel values are integers {@code 0..LEVELS−1}. */
    public static final int LEVELS = 17;
    /** The number of classes. */
    public static final int CLASSES = 10;

    private static final String RESOURCE = "digits.csv.gz";
    private static volatile Digits instance;

    private final List<double[]> images;
    private final int[] labels;

    private Digits(List<double[]> images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    /**
     * The data set (read from the bundled resource on first use).
     *
     * @return the images and labels
     */
    public static Digits load() {
        Digits d = instance;
        if (d == null) {
            synchronized (Digits.class) {
                d = instance;
                if (d == null) {
                    d = read();
                    instance = d;
                }
            }
        }
        return d;
    }

    private static Digits read() {
        InputStream in = Digits.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("the bundled resource " + RESOURCE + " is missing from the jinn jar");
        }
        List<double[]> images = new ArrayList<>(COUNT);
        int[] labels = new int[COUNT];
        try (CsvReader r = CsvReader.headerless(RESOURCE, in, true)) {
            List<String> row;
            while ((row = r.next()) != null) {
                if (row.size() != PIXELS + 1 || images.size() >= COUNT) {
                    throw new IllegalStateException(RESOURCE + ":" + r.lineNumber() + ": expected " + COUNT
                            + " rows of " + (PIXELS + 1) + " values");
                }
                double[] px = new double[PIXELS];
                for (int j = 0; j < PIXELS; j++) {
                    px[j] = r.number(row, j);
                }
                labels[images.size()] = (int) r.number(row, PIXELS);
                images.add(px);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled resource " + RESOURCE, e);
        }
        if (images.size() != COUNT) {
            throw new IllegalStateException(RESOURCE + ": expected " + COUNT + " images, found " + images.size());
        }
        return new Digits(List.copyOf(images), labels);
    }

    /**
     * One image.
     *
     * @param i 0-based index
     * @return its 64 pixel values (a copy)
     */
    public double[] image(int i) {
        return images.get(i).clone();
    }

    /**
     * The label of one image.
     *
     * @param i 0-based index
     * @return the digit 0–9
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * The number of images.
     *
     * @return {@link #COUNT}
     */
    public int size() {
        return images.size();
    }

    /**
     * The names of the pixel columns, {@code p00} to {@code p77} (row, column).
     *
     * @return 64 names
     */
    public static List<String> columns() {
        List<String> names = new ArrayList<>(PIXELS);
        for (int i = 0; i < PIXELS; i++) {
            names.add("p" + i / 8 + i % 8);
        }
        return names;
    }
}
