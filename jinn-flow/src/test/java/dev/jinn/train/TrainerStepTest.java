package dev.jinn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.SequenceINN;
import dev.jinn.optim.SGD;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's step API (what other drivers call), its optimizer factory, and checkpoints of the first format. */
class TrainerStepTest {
    private static final BatchSource SOURCE = (b, rng) -> Batch.of(sample(b, rng, DType.FLOAT32));

    /** Samples of N((1, −2), diag(0.25, 4)) in the given dtype. */
    private static Tensor sample(int n, Rng rng, DType dtype) {
        Tensor z = Tensors.randn(rng, n, 2);
        return z.mul(Tensors.of(new float[] {0.5f, 2.0f}, 1, 2)).add(Tensors.of(new float[] {1.0f, -2.0f}, 1, 2))
                .to(dtype);
    }

    private static TrainSettings.Builder settings() {
        return TrainSettings.builder().steps(30).batchSize(16).lr(0.01).schedule(LrSchedule.COSINE).warmupSteps(3)
                .clipGradNorm(2.0).seed(5);
    }

    private static void assertSameWeights(SequenceINN a, SequenceINN b, double tolerance) {
        Map<String, Tensor> sa = a.stateDict();
        Map<String, Tensor> sb = b.stateDict();
        assertThat(sb.keySet()).isEqualTo(sa.keySet());
        for (String k : sa.keySet()) {
            double[] x = sa.get(k).to(DType.FLOAT64).toDoubleArray();
            double[] y = sb.get(k).to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as(k + "[" + i + "]").isCloseTo(x[i], within(tolerance));
            }
        }
    }

    @Test
    void stepsDrivenByTheCallerEqualFit() {
        SequenceINN fitted = TestFlows.coupling(1);
        TrainResult viaFit = Trainer.builder(fitted, settings().build()).data(SOURCE).build().fit();

        SequenceINN driven = TestFlows.coupling(1);
        Trainer t = Trainer.builder(driven, settings().build()).build();
        List<TrainingEvent> events = new ArrayList<>();
        while (!t.finished()) {
            events.add(t.step(SOURCE.next(t.settings().batchSize(), t.state().rng())));
        }
        TrainResult viaSteps = t.finish();

        assertThat(viaSteps.history()).isEqualTo(viaFit.history());
        assertThat(events).extracting(TrainingEvent::step).containsExactlyElementsOf(
                viaFit.history().stream().map(LossRecord::step).toList());
        assertSameWeights(fitted, driven, 0);
    }

    @Test
    void averagedGradientsOfSplitBatchesEqualAStepOnTheirConcatenation() {
        // What a data-parallel driver does: each part's gradient, averaged with the parts' sizes as weights, then
        // one update. In float64 this equals training on the concatenated batch up to rounding.
        int[] parts = {5, 7, 4};
        int total = 16;
        SequenceINN whole = (SequenceINN) TestFlows.coupling(2).to(DType.FLOAT64);
        SequenceINN split = (SequenceINN) TestFlows.coupling(2).to(DType.FLOAT64);
        Trainer a = Trainer.builder(whole, settings().steps(12).build()).build();
        Trainer b = Trainer.builder(split, settings().steps(12).build()).build();
        Rng data = new Rng(9);
        List<Tensor> params = split.parameters();
        while (!a.finished()) {
            Tensor x = sample(total, data, DType.FLOAT64);
            a.step(Batch.of(x));

            List<Tensor> sum = new ArrayList<>();
            double lossSum = 0;
            int start = 0;
            for (int n : parts) {
                double loss = b.computeGradients(Batch.of(x.narrow(0, start, n)));
                lossSum += loss * n;
                for (int i = 0; i < params.size(); i++) {
                    Tensor g = params.get(i).grad().mul((double) n);
                    if (sum.size() <= i) {
                        sum.add(g);
                    } else {
                        sum.set(i, sum.get(i).add(g));
                    }
                }
                start += n;
            }
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setGrad(sum.get(i).div((double) total));
            }
            b.applyGradients(lossSum / total, total);
        }
        TrainResult ra = a.finish();
        TrainResult rb = b.finish();
        for (int i = 0; i < ra.history().size(); i++) {
            assertThat(rb.history().get(i).loss()).isCloseTo(ra.history().get(i).loss(), within(1e-12));
        }
        assertSameWeights(whole, split, 1e-12);
    }

    @Test
    void theOptimizerComesFromTheFactoryWithTheRunsSettings() {
        SequenceINN flow = TestFlows.affine(2);
        List<TrainSettings> seen = new ArrayList<>();
        OptimizerFactory sgd = (params, s) -> {
            seen.add(s);
            return new SGD(params, s.lr());
        };
        TrainSettings s = TrainSettings.builder().steps(3).lr(0.1).build();
        Trainer t = Trainer.builder(flow, s).optimizer(sgd).build();
        assertThat(seen).containsExactly(s);
        assertThat(t.optimizer()).isInstanceOf(SGD.class);

        Batch batch = SOURCE.next(8, new Rng(3));
        t.computeGradients(batch);
        List<double[]> before = new ArrayList<>();
        List<double[]> grads = new ArrayList<>();
        for (Tensor p : flow.parameters()) {
            before.add(p.to(DType.FLOAT64).toDoubleArray());
            grads.add(p.grad().to(DType.FLOAT64).toDoubleArray());
        }
        t.applyGradients(1.0, 8);
        // Plain SGD: p ← p − lr·g.
        for (int i = 0; i < before.size(); i++) {
            double[] after = flow.parameters().get(i).to(DType.FLOAT64).toDoubleArray();
            for (int j = 0; j < after.length; j++) {
                assertThat(after[j]).isCloseTo(before.get(i)[j] - 0.1 * grads.get(i)[j], within(1e-6));
            }
        }
        assertThat(t.state().step()).isEqualTo(1);
    }

    @Test
    void aCheckpointOfTheFirstFormatStillLoadsAndResumes(@TempDir Path dir) throws Exception {
        // Written by the trainer before settings and run state were split out (same settings as below, stopped
        // after step 25, so the checkpoint is the periodic one of step 20).
        Path fixture = dir.resolve("checkpoint-v1.safetensors");
        try (InputStream in = getClass().getResourceAsStream("checkpoint-v1.safetensors")) {
            Files.copy(in, fixture);
        }
        Checkpoint c = Checkpoint.read(fixture);
        RunState st = c.state();
        assertThat(st.step()).isEqualTo(20);
        assertThat(st.history()).hasSize(20);
        assertThat(c.metadata()).containsEntry("arch", "test");
        assertThat(st.bestStep()).isIn(7L, 14L);
        assertThat(st.bestValidationLoss()).isEqualTo(st.history().get((int) st.bestStep() - 1).validationLoss());
        assertThat(st.bestWeights()).isNotEmpty();

        TrainSettings s = TrainSettings.builder().validateEvery(7).patience(50).steps(40).batchSize(32).lr(0.01)
                .weightDecay(1e-3).schedule(LrSchedule.COSINE).warmupSteps(5).clipGradNorm(5.0).seed(17)
                .checkpoint(dir.resolve("next.safetensors"), 10).checkpointMetadata("arch", "test").build();
        Batch validation = Batch.of(sample(300, new Rng(11), DType.FLOAT32));
        SequenceINN resumed = TestFlows.coupling(7);
        TrainResult rest = Trainer.builder(resumed, s).data(SOURCE).validation(validation).build().resume(c);
        SequenceINN whole = TestFlows.coupling(1);
        TrainResult full = Trainer.builder(whole, s.toBuilder().checkpoint(null, 0).build()).data(SOURCE)
                .validation(validation).build().fit();

        assertThat(rest.history().subList(0, 20)).isEqualTo(st.history());
        // Training steps are bit for bit the same; the fixture's validation losses were evaluated by the
        // untiled perceptron kernel, whose float32 sums round differently from today's inference kernel.
        assertThat(rest.history()).hasSameSizeAs(full.history());
        for (int i = 0; i < full.history().size(); i++) {
            LossRecord a = rest.history().get(i);
            LossRecord b = full.history().get(i);
            assertThat(a.step()).isEqualTo(b.step());
            assertThat(a.loss()).as("training loss of step %d", b.step()).isEqualTo(b.loss());
            if (Double.isNaN(b.validationLoss())) {
                assertThat(a.validationLoss()).isNaN();
            } else {
                assertThat(a.validationLoss()).as("validation loss of step %d", b.step())
                        .isCloseTo(b.validationLoss(), within(1e-6));
            }
        }
        assertSameWeights(whole, resumed, 0);
    }

    @Test
    void restoringIntoATrainerWithAnotherScheduleNamesTheFileAndTheSchedule(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("constant.safetensors");
        Trainer.builder(TestFlows.affine(2), TrainSettings.builder().steps(2).checkpoint(ckpt, 0).build())
                .data(SOURCE).build().fit();
        Trainer cosine = Trainer.builder(TestFlows.affine(2),
                TrainSettings.builder().steps(4).schedule(LrSchedule.COSINE).build()).data(SOURCE).build();
        Checkpoint c = Checkpoint.read(ckpt);
        assertThatThrownBy(() -> cosine.restore(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the checkpoint " + ckpt + " has no learning-rate schedule state, but this trainer uses"
                        + " the COSINE schedule");
        assertThat(cosine.state().step()).isZero();
    }

    @Test
    void aRunStateCopyIsIndependent() {
        RunState a = RunState.start(3);
        a.countStep();
        a.recordLosses(1.5, Double.NaN);
        RunState b = a.copy();
        double drawnByCopy = b.rng().nextDouble();
        b.countStep();
        b.recordLosses(1.0, Double.NaN);
        assertThat(a.step()).isEqualTo(1);
        assertThat(a.history()).hasSize(1);
        assertThat(a.rng().nextDouble()).isEqualTo(drawnByCopy);
        assertThat(b.recentLoss(2)).isEqualTo(1.25);
    }
}
