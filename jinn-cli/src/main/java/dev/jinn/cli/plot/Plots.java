package dev.jinn.cli.plot;

import dev.jinn.io.AtomicFile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The command line's charts, drawn with XChart and written as PNG files: data next to model samples, a learned
 * log-density heat map and the loss curves. All work headless (no display needed).
 */
public final class Plots {
    private static final int PANEL = 520;
    private static final Color DATA = new Color(31, 119, 180);
    private static final Color SAMPLES = new Color(214, 39, 40);

    private Plots() {
    }

    /**
     * Two scatter panels with the same axes: the data (left) and the model's samples (right), first two columns.
     *
     * @param data    rows in data units
     * @param samples rows in data units
     * @param xName   the first column's name
     * @param yName   the second column's name
     * @param out     the PNG file
     * @throws IOException when the file cannot be written
     */
    public static void samples(List<double[]> data, List<double[]> samples, String xName, String yName, Path out)
            throws IOException {
        double[] box = bounds(data, samples);
        XYChart left = scatter("data (" + data.size() + " points)", data, DATA, xName, yName, box);
        XYChart right = scatter("samples (" + samples.size() + " points)", samples, SAMPLES, xName, yName, box);
        writeSideBySide(List.of(left, right), out);
    }

    /**
     * One scatter panel of the first two columns (model samples on their own).
     *
     * @param rows  rows in data units
     * @param xName the first column's name
     * @param yName the second column's name
     * @param out   the PNG file
     * @throws IOException when the file cannot be written
     */
    public static void scatter(List<double[]> rows, String xName, String yName, Path out) throws IOException {
        write(scatter("samples (" + rows.size() + " points)", rows, SAMPLES, xName, yName, bounds(rows, rows)), out);
    }

    private static double[] bounds(List<double[]> a, List<double[]> b) {
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (List<double[]> rows : List.of(a, b)) {
            for (double[] r : rows) {
                for (int j = 0; j < 2; j++) {
                    if (Double.isFinite(r[j])) {
                        lo[j] = Math.min(lo[j], r[j]);
                        hi[j] = Math.max(hi[j], r[j]);
                    }
                }
            }
        }
        // Samples can have far outliers; the data's range with a margin keeps the picture readable.
        double[] dlo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] dhi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] r : a) {
            for (int j = 0; j < 2; j++) {
                dlo[j] = Math.min(dlo[j], r[j]);
                dhi[j] = Math.max(dhi[j], r[j]);
            }
        }
        double[] box = new double[4];
        for (int j = 0; j < 2; j++) {
            double span = Math.max(dhi[j] - dlo[j], 1e-9);
            box[2 * j] = Math.max(lo[j], dlo[j] - 0.25 * span);
            box[2 * j + 1] = Math.min(hi[j], dhi[j] + 0.25 * span);
            if (!(box[2 * j] < box[2 * j + 1])) {
                box[2 * j] = dlo[j] - 1;
                box[2 * j + 1] = dhi[j] + 1;
            }
        }
        return box;
    }

    private static XYChart scatter(String title, List<double[]> rows, Color color, String xName, String yName,
            double[] box) {
        XYChart chart = new XYChartBuilder().width(PANEL).height(PANEL).title(title).xAxisTitle(xName)
                .yAxisTitle(yName).build();
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setAntiAlias(false); // anti-aliased cell edges show as a white grid
        chart.getStyler().setLegendVisible(false).setMarkerSize(3).setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisMin(box[0]).setXAxisMax(box[1]).setYAxisMin(box[2]).setYAxisMax(box[3]);
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (double[] r : rows) {
            if (r[0] >= box[0] && r[0] <= box[1] && r[1] >= box[2] && r[1] <= box[3]) {
                xs.add(r[0]);
                ys.add(r[1]);
            }
        }
        if (xs.isEmpty()) {
            xs.add(Double.NaN);
            ys.add(Double.NaN);
        }
        XYSeries s = chart.addSeries(title, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 110));
        return chart;
    }

    /**
     * A heat map of a log-density evaluated on a regular grid.
     *
     * @param xs      the grid's x values (columns)
     * @param ys      the grid's y values (rows)
     * @param logp    {@code logp[i][j]} at {@code (xs[j], ys[i])}
     * @param title   the chart title
     * @param xName   the x axis name
     * @param yName   the y axis name
     * @param out     the PNG file
     * @throws IOException when the file cannot be written
     */
    public static void density(double[] xs, double[] ys, double[][] logp, String title, String xName, String yName,
            Path out) throws IOException {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : logp) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        // Show the top 8 nats: below that the density is visually zero, and the floor keeps -inf off the scale. Both
        // ends are rounded to tenths, which is how the colour legend prints them.
        max = Math.ceil(max * 10) / 10;
        double min = max - 8;
        List<Number[]> heat = new ArrayList<>();
        for (int i = 0; i < ys.length; i++) {
            for (int j = 0; j < xs.length; j++) {
                double v = Double.isFinite(logp[i][j]) ? Math.max(min, logp[i][j]) : min;
                heat.add(new Number[] {j, i, v});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(PANEL + 140).height(PANEL).title(title)
                .xAxisTitle(xName).yAxisTitle(yName).build();
        chart.getStyler().setShowValue(false).setDrawBorder(false).setMin(min).setMax(max)
                .setRangeColors(new Color[] {new Color(13, 8, 135), new Color(156, 23, 158), new Color(237, 121, 83),
                    new Color(240, 249, 33)})
                .setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setHeatMapValueDecimalPattern("0.0");
        chart.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT, "%.1f", v));
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setAntiAlias(false); // anti-aliased cell edges show as a white grid
        chart.getStyler().setXAxisMaxLabelCount(6).setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("log p", box(xs), box(ys), heat);
        write(chart, out);
    }

    private static List<Double> box(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double d : v) {
            out.add(Math.round(d * 100) / 100.0);
        }
        return out;
    }

    /**
     * The training loss (a moving average, and the raw values faintly) and the validation loss over the steps.
     *
     * @param steps      the step of each training value
     * @param loss       the training loss per step
     * @param valSteps   the steps with a validation value
     * @param valLoss    the validation values
     * @param unit       the loss's unit for the axis title, e.g. {@code NLL (nats)}
     * @param out        the PNG file
     * @throws IOException when the file cannot be written
     */
    public static void loss(double[] steps, double[] loss, double[] valSteps, double[] valLoss, String unit, Path out)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(PANEL + 280).height(PANEL).title("training loss")
                .xAxisTitle("step").yAxisTitle(unit).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setLegendPosition(Styler.LegendPosition.InsideNE)
                .setMarkerSize(4);
        chart.getStyler().setXAxisDecimalPattern("0").setYAxisDecimalPattern("0.00");
        if (steps.length > 0) {
            int window = Math.max(1, steps.length / 60);
            double[] smooth = new double[loss.length];
            double sum = 0;
            for (int i = 0; i < loss.length; i++) {
                sum += loss[i];
                if (i >= window) {
                    sum -= loss[i - window];
                }
                smooth[i] = sum / Math.min(i + 1, window);
            }
            // Clip the first steps' huge values so the interesting part of the curve is visible.
            double lo = Double.POSITIVE_INFINITY;
            for (double v : smooth) {
                lo = Math.min(lo, v);
            }
            double tail = smooth[smooth.length / 10];
            double hi = tail + 2 * Math.max(tail - lo, 0.1);
            chart.getStyler().setYAxisMax(hi);
            XYSeries raw = chart.addSeries("train (per step)", steps, clip(loss, hi));
            raw.setLineColor(new Color(31, 119, 180, 60));
            raw.setMarker(SeriesMarkers.NONE);
            XYSeries avg = chart.addSeries("train (moving average of " + window + ")", steps, clip(smooth, hi));
            avg.setLineColor(DATA);
            avg.setMarker(SeriesMarkers.NONE);
        }
        if (valSteps.length > 0) {
            XYSeries val = chart.addSeries("validation", valSteps, valLoss);
            val.setLineColor(SAMPLES);
            val.setMarkerColor(SAMPLES);
            val.setMarker(SeriesMarkers.CIRCLE);
        }
        write(chart, out);
    }

    private static double[] clip(double[] v, double hi) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(out[i], hi);
        }
        return out;
    }

    private static void write(Chart<?, ?> chart, Path out) throws IOException {
        writeImage(BitmapEncoder.getBufferedImage(chart), out);
    }

    private static void writeSideBySide(List<? extends Chart<?, ?>> charts, Path out) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        int w = 0;
        int h = 0;
        for (Chart<?, ?> c : charts) {
            BufferedImage img = BitmapEncoder.getBufferedImage(c);
            images.add(img);
            w += img.getWidth();
            h = Math.max(h, img.getHeight());
        }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage img : images) {
            g.drawImage(img, x, 0, null);
            x += img.getWidth();
        }
        g.dispose();
        writeImage(all, out);
    }

    /**
     * Writes an image as PNG, creating the parent directory; atomically, as every output of the command line.
     *
     * @param image the image
     * @param out   the file
     * @throws IOException when it cannot be written
     */
    static void writeImage(BufferedImage image, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Encoded in memory first: ImageIO on a stream would otherwise cache through a file of its own in java.io.tmpdir.
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer available for " + out);
        }
        AtomicFile.write(out, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(png.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        });
    }
}
