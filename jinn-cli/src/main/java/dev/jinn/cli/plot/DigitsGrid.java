package dev.jinn.cli.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A grid of small grey-scale images, one row per class with its label at the left (as torchvision's
 * {@code make_grid}): each image pixel becomes a square block, dark ink on white. An image grid is not a chart,
 * so it is composed directly rather than through the charting library.
 */
public final class DigitsGrid {
    private static final int BLOCK = 6;
    private static final int GAP = 4;
    private static final int LABEL = 28;

    private DigitsGrid() {
    }

    /**
     * Writes the grid.
     *
     * @param rows     {@code rows[r][k]}: image k of row r, {@code side × side} values row-major
     * @param labels   the label of each row
     * @param side     the images' side length in pixels
     * @param maxValue the value drawn as full ink (0 is white)
     * @param out      the PNG file
     * @throws IOException when it cannot be written
     */
    public static void write(List<List<double[]>> rows, List<String> labels, int side, double maxValue, Path out)
            throws IOException {
        if (rows.size() != labels.size()) {
            throw new IllegalArgumentException("DigitsGrid: " + rows.size() + " rows but " + labels.size() + " labels");
        }
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int cell = side * BLOCK + GAP;
        int w = LABEL + Math.max(1, cols) * cell + GAP;
        int h = Math.max(1, rows.size()) * cell + GAP;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        for (int r = 0; r < rows.size(); r++) {
            int y0 = GAP + r * cell;
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels.get(r), 8, y0 + side * BLOCK / 2 + 6);
            for (int k = 0; k < rows.get(r).size(); k++) {
                double[] px = rows.get(r).get(k);
                int x0 = LABEL + k * cell;
                for (int i = 0; i < side; i++) {
                    for (int j = 0; j < side; j++) {
                        double v = Math.max(0, Math.min(1, px[i * side + j] / maxValue));
                        int grey = (int) Math.round(255 * (1 - v));
                        g.setColor(new Color(grey, grey, grey));
                        g.fillRect(x0 + j * BLOCK, y0 + i * BLOCK, BLOCK, BLOCK);
                    }
                }
            }
        }
        g.dispose();
        Plots.writeImage(img, out);
    }
}
