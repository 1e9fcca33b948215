package dev.jinn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final double[] MEAN = {1.0, -2.0};
    private static final double[] STD = {0.5, 2.0};

    /** Samples of N(MEAN, diag(STD²)). */
    private static Tensor gaussian(int n, Rng rng) {
        Tensor z = Tensors.randn(rng, n, 2);
        return z.mul(Tensors.of(new float[] {(float) STD[0], (float) STD[1]}, 1, 2))
                .add(Tensors.of(new float[] {(float) MEAN[0], (float) MEAN[1]}, 1, 2));
    }

    private static final BatchSource GAUSSIAN = (b, rng) -> Batch.of(gaussian(b, rng));

    @Test
    void fitsAGaussianDownToTheTrueDensity() {
        SequenceINN flow = TestFlows.affine(2);
        Tensor heldX = gaussian(4000, new Rng(99));
        Batch held = Batch.of(heldX);
        double before = Trainer.evaluate(flow, held, 1000);
        TrainSettings s = TrainSettings.builder().steps(600).batchSize(256).lr(0.05).schedule(LrSchedule.COSINE)
                .seed(3).build();
        TrainResult r = Trainer.builder(flow, s).data(GAUSSIAN).build().fit();
        double after = Trainer.evaluate(flow, held, 1000);
        // The maximum-likelihood affine flow is the true density: compare with its exact NLL on the same samples,
        // Σ_d ½((x_d − μ_d)/σ_d)² + ½·log 2π + log σ_d.
        double[] x = heldX.to(dev.jinn.tensor.DType.FLOAT64).toDoubleArray();
        double truth = 0;
        for (int i = 0; i < x.length; i++) {
            int d = i % 2;
            double u = (x[i] - MEAN[d]) / STD[d];
            truth += 0.5 * u * u + 0.5 * Math.log(2 * Math.PI) + Math.log(STD[d]);
        }
        truth /= 4000;
        assertThat(before).isGreaterThan(truth + 1.0);
        assertThat(after).isCloseTo(truth, within(0.01));
        assertThat(r.steps()).isEqualTo(600);
        assertThat(r.history()).hasSize(600);
        assertThat(r.finalLoss()).isCloseTo(truth, within(0.1));
        assertThat(r.history().get(0).loss()).isGreaterThan(r.finalLoss() + 1.0);
    }

    @Test
    void reportsEveryStepToTheListener() {
        List<TrainingEvent> events = new ArrayList<>();
        Batch val = Batch.of(gaussian(200, new Rng(5)));
        TrainSettings s = TrainSettings.builder().validateEvery(4).steps(10).batchSize(8).build();
        Trainer.builder(TestFlows.affine(2), s).data(GAUSSIAN).validation(val).listener(events::add).build().fit();
        assertThat(events).extracting(TrainingEvent::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(events).filteredOn(TrainingEvent::validated).extracting(TrainingEvent::step)
                .containsExactly(4L, 8L, 10L);
        TrainingEvent last = events.get(9);
        assertThat(last.totalSteps()).isEqualTo(10);
        assertThat(last.lr()).isEqualTo(1e-3);
        assertThat(last.samplesPerSecond()).isPositive();
        assertThat(last.etaSeconds()).isZero();
    }

    @Test
    void stopsEarlyAndRestoresTheBestWeights() {
        // Validation data from the base density itself: the identity flow is optimal for it, so moving towards the
        // training density only makes the validation loss worse after the first evaluation.
        Batch val = Batch.of(Tensors.randn(new Rng(8), 2000, 2));
        SequenceINN flow = TestFlows.affine(2);
        TrainSettings s = TrainSettings.builder().validateEvery(5).patience(3).steps(1000).batchSize(64).lr(0.05)
                .build();
        TrainResult r = Trainer.builder(flow, s).data(GAUSSIAN).validation(val).build().fit();
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.bestStep()).isEqualTo(5);
        assertThat(r.steps()).isEqualTo(20); // best at 5, then 10, 15, 20 without improvement
        assertThat(r.restoredBest()).isTrue();
        assertThat(Trainer.evaluate(flow, val, 1000)).isEqualTo(r.bestValidationLoss());
        assertThat(r.history().get(19).validationLoss()).isGreaterThan(r.bestValidationLoss());
    }

    @Test
    void withoutRestoreKeepsTheLastWeights() {
        Batch val = Batch.of(Tensors.randn(new Rng(8), 2000, 2));
        SequenceINN flow = TestFlows.affine(2);
        TrainSettings s = TrainSettings.builder().validateEvery(5).restoreBest(false).steps(20).batchSize(64)
                .lr(0.05).build();
        TrainResult r = Trainer.builder(flow, s).data(GAUSSIAN).validation(val).build().fit();
        assertThat(r.restoredBest()).isFalse();
        assertThat(Trainer.evaluate(flow, val, 1000)).isEqualTo(r.history().get(19).validationLoss());
    }

    /** Settings exercising every piece of state a checkpoint must carry. */
    private static TrainSettings richSettings(Path ckpt) {
        return TrainSettings.builder().validateEvery(7).patience(50).steps(40).batchSize(32).lr(0.01)
                .weightDecay(1e-3).schedule(LrSchedule.COSINE).warmupSteps(5).clipGradNorm(5.0).seed(17)
                .checkpoint(ckpt, 10).checkpointMetadata("arch", "test").build();
    }

    /** A trainer with {@link #richSettings} and a validation set. */
    private static Trainer.Builder rich(SequenceINN flow, Path ckpt) {
        return Trainer.builder(flow, richSettings(ckpt)).data(GAUSSIAN)
                .validation(Batch.of(gaussian(300, new Rng(11))));
    }

    private static void assertSameWeights(SequenceINN a, SequenceINN b) {
        Map<String, Tensor> sa = a.stateDict();
        Map<String, Tensor> sb = b.stateDict();
        assertThat(sb.keySet()).isEqualTo(sa.keySet());
        for (String k : sa.keySet()) {
            assertThat(sb.get(k).toFloatArray()).as(k).isEqualTo(sa.get(k).toFloatArray());
        }
    }

    @Test
    void resumingAStoppedRunIsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws Exception {
        SequenceINN whole = TestFlows.coupling(1);
        TrainResult full = rich(whole, dir.resolve("full.safetensors")).build().fit();

        SequenceINN first = TestFlows.coupling(1);
        Trainer[] holder = new Trainer[1];
        holder[0] = rich(first, dir.resolve("part.safetensors")).listener(e -> {
            if (e.step() == 23) {
                holder[0].stop();
            }
        }).build();
        TrainResult part = holder[0].fit();
        assertThat(part.stoppedByRequest()).isTrue();
        assertThat(part.steps()).isEqualTo(23);
        assertThat(Checkpoint.read(dir.resolve("part.safetensors")).step()).isEqualTo(23);

        // A fresh process would rebuild the model with other initial weights; the checkpoint must overwrite them.
        SequenceINN resumed = TestFlows.coupling(2);
        TrainResult rest = rich(resumed, dir.resolve("part.safetensors")).build()
                .resume(Checkpoint.read(dir.resolve("part.safetensors")));
        assertThat(rest.steps()).isEqualTo(40);
        assertThat(rest.history()).isEqualTo(full.history());
        assertThat(rest.bestValidationLoss()).isEqualTo(full.bestValidationLoss());
        assertSameWeights(whole, resumed);
    }

    @Test
    void resumingAfterACrashUsesTheLastPeriodicCheckpoint(@TempDir Path dir) throws Exception {
        SequenceINN whole = TestFlows.coupling(1);
        TrainResult full = rich(whole, dir.resolve("full.safetensors")).build().fit();

        Path ckpt = dir.resolve("crash.safetensors");
        SequenceINN first = TestFlows.coupling(1);
        assertThatThrownBy(() -> rich(first, ckpt).listener(e -> {
            if (e.step() == 27) {
                throw new IllegalStateException("simulated crash");
            }
        }).build().fit()).hasMessage("simulated crash");
        Checkpoint c = Checkpoint.read(ckpt);
        assertThat(c.step()).isEqualTo(20);
        assertThat(c.metadata()).containsEntry("arch", "test");

        SequenceINN resumed = TestFlows.coupling(3);
        TrainResult rest = rich(resumed, ckpt).build().resume(c);
        assertThat(rest.history()).isEqualTo(full.history());
        assertSameWeights(whole, resumed);
    }

    @Test
    void aNonFiniteOutputNamesTheStepAndModuleAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        SequenceINN flow = new SequenceINN(2).append((in, c) -> new ScaleShift(in, c, false))
                .append((in, c) -> new TestFlows.Poison(in, c, 100.0));
        // Ordinary data, except that the 8th batch holds a value the poison module turns into NaN.
        BatchSource source = new BatchSource() {
            private int calls;

            @Override
            public Batch next(int batchSize, Rng rng) {
                Tensor x = gaussian(batchSize, rng);
                return Batch.of(++calls == 8 ? x.add(1000.0) : x);
            }
        };
        Path ckpt = dir.resolve("new/dir/ckpt.safetensors"); // directories are created as needed
        TrainSettings s = TrainSettings.builder().steps(20).batchSize(16).checkpoint(ckpt, 5).build();
        Trainer t = Trainer.builder(flow, s).data(source).build();
        assertThatThrownBy(t::fit).isInstanceOfSatisfying(NonFiniteLossException.class, e -> {
            assertThat(e.step()).isEqualTo(8);
            assertThat(e.where()).isEqualTo("the output of module 1 (Poison[(2,)])");
            assertThat(e.getMessage()).contains("step 8", "NaN", "module 1 (Poison[(2,)])",
                    ckpt + " at step 5");
        });
        assertThat(Checkpoint.read(ckpt).step()).isEqualTo(5);
    }

    @Test
    void aNonFiniteInputIsNamedAsSuch() {
        BatchSource nan = (b, rng) -> Batch.of(Tensors.full(Double.NaN, b, 2));
        Trainer t = Trainer.builder(TestFlows.affine(2), TrainSettings.builder().steps(3).build()).data(nan).build();
        assertThatThrownBy(t::fit).isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("step 1").hasMessageContaining("the input batch");
    }

    @Test
    void rejectsBadSettings() {
        SequenceINN flow = TestFlows.affine(2);
        assertThatThrownBy(() -> Trainer.builder(flow, TrainSettings.defaults()).build().fit())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no training data");
        assertThatThrownBy(() -> TrainSettings.builder().steps(0).build())
                .hasMessage("TrainSettings: steps must be >= 1, got 0");
        assertThatThrownBy(() -> TrainSettings.builder().lr(Double.NaN).build())
                .hasMessage("TrainSettings: lr must be positive and finite, got NaN");
        assertThatThrownBy(() -> TrainSettings.builder().batchSize(-1).build())
                .hasMessage("TrainSettings: batchSize must be >= 1, got -1");
        assertThatThrownBy(() -> TrainSettings.builder().clipGradNorm(Double.NaN).build())
                .hasMessage("TrainSettings: clipGradNorm must be >= 0, got NaN");
        assertThatThrownBy(() -> TrainSettings.builder().checkpointMetadata("jinn.checkpoint.step", "1").build())
                .hasMessage("TrainSettings: checkpoint metadata key 'jinn.checkpoint.step' is reserved");
        assertThatThrownBy(() -> Trainer.builder(flow, TrainSettings.defaults()).validation(
                Batch.of(Tensors.zeros(0, 2)))).hasMessage("Trainer: the validation set is empty");
    }

    @Test
    void resumeRejectsAFileThatIsNotACheckpointOrDoesNotFit(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not a safetensors file");
        Trainer t = Trainer.builder(TestFlows.affine(2), TrainSettings.builder().steps(5).build()).data(GAUSSIAN)
                .build();
        assertThatThrownBy(() -> Checkpoint.read(junk)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("junk.safetensors");
        Path small = dir.resolve("small.safetensors");
        Trainer.builder(TestFlows.affine(3), TrainSettings.builder().steps(2).checkpoint(small, 0).build())
                .data((b, rng) -> Batch.of(Tensors.randn(rng, b, 3))).build().fit();
        Checkpoint wrong = Checkpoint.read(small);
        assertThatThrownBy(() -> t.resume(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small.safetensors").hasMessageContaining("module_list.0.s");
    }

    @Test
    void nllIncludesTheGaussianConstant() {
        // The identity flow on z: NLL = ½‖z‖² + log 2π for two dimensions.
        Tensor z = Tensors.of(new double[] {3, 4}, 1, 2);
        Tensor nll = Nll.perSample(dev.jinn.flow.FlowResult.of(z, Tensors.of(new double[] {0.5})));
        assertThat(nll.item()).isCloseTo(12.5 + Math.log(2 * Math.PI) - 0.5, within(1e-12));
        assertThat(Nll.bitsPerDim(2 * Math.log(2), 2)).isCloseTo(1.0, within(1e-12));
    }
}
