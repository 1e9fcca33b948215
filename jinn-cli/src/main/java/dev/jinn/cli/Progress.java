package dev.jinn.cli;

import dev.jinn.train.TrainingEvent;
import dev.jinn.train.TrainingListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: on a terminal a progress bar (steps, it/s, ETA, loss and validation loss); elsewhere
 * (a log file, CI) a plain line about every 10% of the run or every 10 seconds, whichever comes first. Losses
 * are shown in the data's units ({@code offset} added).
 */
final class Progress implements TrainingListener, AutoCloseable {
    /** How progress is shown. */
    enum Mode {
        /** A progress bar if a terminal is attached, plain lines otherwise. */
        AUTO,
        /** Always a progress bar. */
        BAR,
        /** Plain lines. */
        PLAIN,
        /** Nothing. */
        NONE
    }

    private final Mode mode;
    private final PrintWriter out;
    private final double offset;
    private final long totalSteps;
    private final long startStep;
    private ProgressBar bar;
    private double lastVal = Double.NaN;
    private long lastLineStep;
    private long lastLineNanos = System.nanoTime();

    Progress(Mode requested, PrintWriter out, double offset, long totalSteps, long startStep) {
        this.mode = requested == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.PLAIN) : requested;
        this.out = out;
        this.offset = offset;
        this.totalSteps = totalSteps;
        this.startStep = startStep;
        this.lastLineStep = startStep;
    }

    @Override
    public void onStep(TrainingEvent e) {
        if (e.validated()) {
            lastVal = e.validationLoss() + offset;
        }
        double loss = e.loss() + offset;
        if (mode == Mode.BAR) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).showSpeed()
                        .startsFrom(startStep, Duration.ZERO).build();
            }
            bar.stepTo(e.step());
            bar.setExtraMessage(String.format(Locale.ROOT, " | loss %.3f%s", loss,
                    Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, " val %.3f", lastVal)));
        } else if (mode == Mode.PLAIN) {
            long now = System.nanoTime();
            long every = Math.max(1, totalSteps / 10);
            if (e.step() - lastLineStep >= every || now - lastLineNanos > 10_000_000_000L || e.step() == totalSteps) {
                double rate = e.samplesPerSecond();
                double stepsPerSecond = (e.step() - startStep) / Math.max(e.elapsedSeconds(), 1e-9);
                out.printf(Locale.ROOT, "step %d/%d  loss %.4f%s  lr %.2g  %.0f it/s (%.0f samples/s)  ETA %s%n",
                        e.step(), e.totalSteps(), loss,
                        Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, "  val %.4f", lastVal), e.lr(),
                        stepsPerSecond, rate, eta((e.totalSteps() - e.step()) / Math.max(stepsPerSecond, 1e-9)));
                out.flush();
                lastLineStep = e.step();
                lastLineNanos = now;
            }
        }
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
