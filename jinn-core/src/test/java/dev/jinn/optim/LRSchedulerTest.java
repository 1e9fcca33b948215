package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each schedule's learning-rate sequence against its closed form written here. */
class LRSchedulerTest {
    private static final double[] BASE = {0.1, 0.02};

    private static Optimizer<?> twoGroups() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        return SGD.builder(BASE[0]).buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))),
                ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(BASE[1]))));
    }

    /** Checks epochs 0..n against {@code expected(group, epoch)}, in the optimizer and in lastLr(). */
    private static void assertSequence(LRScheduler s, Optimizer<?> opt, int n, Expected expected) {
        for (int e = 0; e <= n; e++) {
            if (e > 0) {
                s.step();
            }
            assertThat(s.lastEpoch()).isEqualTo(e);
            for (int g = 0; g < 2; g++) {
                double want = expected.lr(BASE[g], e);
                assertThat(opt.lr(g)).as("group %d, epoch %d", g, e).isCloseTo(want, within(1e-15 * want + 1e-300));
                assertThat(s.lastLr()[g]).isEqualTo(opt.lr(g));
            }
        }
    }

    interface Expected {
        double lr(double base, int epoch);
    }

    @Test
    void stepLR() {
        Optimizer<?> opt = twoGroups();
        StepLR s = new StepLR(opt, 3, 0.5);
        assertSequence(s, opt, 12, (b, e) -> b * Math.pow(0.5, Math.floor(e / 3.0)));
        assertThat(opt.lr(0)).isEqualTo(0.1 / 16);
    }

    @Test
    void stepLRDefaultsToGammaOneTenthAndMatchesRepeatedMultiplication() {
        Optimizer<?> opt = twoGroups();
        StepLR s = new StepLR(opt, 2);
        double recursive = BASE[0];
        for (int e = 1; e <= 8; e++) {
            s.step();
            if (e % 2 == 0) {
                recursive *= 0.1;
            }
            assertThat(opt.lr(0)).isCloseTo(recursive, within(1e-15 * recursive));
        }
    }

    @Test
    void exponentialLR() {
        Optimizer<?> opt = twoGroups();
        ExponentialLR s = new ExponentialLR(opt, 0.9);
        assertSequence(s, opt, 15, (b, e) -> {
            double lr = b;
            for (int i = 0; i < e; i++) {
                lr *= 0.9; // PyTorch's recursive form: equal up to rounding
            }
            return lr;
        });
    }

    @Test
    void cosineAnnealing() {
        Optimizer<?> opt = twoGroups();
        double etaMin = 0.001;
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 10, etaMin);
        assertSequence(s, opt, 10, (b, e) -> etaMin + 0.5 * (b - etaMin) * (1 + Math.cos(e * Math.PI / 10)));
        assertThat(opt.lr(0)).isCloseTo(etaMin, within(1e-17));
        for (int e = 11; e <= 20; e++) {
            s.step(); // past tMax the cosine rises again, as in PyTorch
        }
        assertThat(opt.lr(0)).isCloseTo(BASE[0], within(1e-16));
        Optimizer<?> opt2 = twoGroups();
        CosineAnnealingLR toZero = new CosineAnnealingLR(opt2, 4);
        for (int e = 0; e < 2; e++) {
            toZero.step();
        }
        assertThat(opt2.lr(1)).isCloseTo(BASE[1] / 2, within(1e-17));
    }

    @Test
    void linearWarmup() {
        Optimizer<?> opt = twoGroups();
        LinearWarmup s = new LinearWarmup(opt, 0.25, 1.0, 4);
        double[] factors = {0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0};
        assertSequence(s, opt, 6, (b, e) -> b * factors[e]);
        Optimizer<?> opt2 = twoGroups();
        new LinearWarmup(opt2, 5);
        assertThat(opt2.lr(0)).isCloseTo(BASE[0] / 3, within(1e-17));
        Optimizer<?> opt3 = twoGroups();
        LinearWarmup decay = new LinearWarmup(opt3, 1.0, 0.0, 2);
        decay.step();
        decay.step();
        assertThat(opt3.lr(0)).isZero();
    }

    @Test
    void sequentialWarmupThenCosine() {
        Optimizer<?> opt = twoGroups();
        LinearWarmup warm = new LinearWarmup(opt, 0.1, 1.0, 5);
        CosineAnnealingLR cos = new CosineAnnealingLR(opt, 10);
        assertThat(cos.baseLr(0)).as("shares the base through initial_lr").isEqualTo(BASE[0]);
        SequentialLR s = new SequentialLR(opt, List.of(warm, cos), new int[] {5});
        IntToDoubleFunction factor = e -> e < 5 ? 0.1 + 0.9 * e / 5.0 : 0.5 * (1 + Math.cos((e - 5) * Math.PI / 10));
        assertSequence(s, opt, 15, (b, e) -> b * factor.applyAsDouble(e));
        assertThat(opt.paramGroups().get(1).initialLr()).hasValue(BASE[1]);
    }

    @Test
    void stateDictRoundTripContinuesTheSchedule() {
        Optimizer<?> opt = twoGroups();
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 20, 1e-4);
        for (int e = 0; e < 7; e++) {
            s.step();
        }
        Map<String, Tensor> saved = s.stateDict();
        assertThat(saved.get("last_epoch").item()).isEqualTo(7.0);
        assertThat(saved.get("base_lrs").toDoubleArray()).containsExactly(BASE);

        Optimizer<?> opt2 = twoGroups();
        CosineAnnealingLR s2 = new CosineAnnealingLR(opt2, 20, 1e-4);
        s2.loadStateDict(saved);
        assertThat(s2.lastEpoch()).isEqualTo(7);
        assertThat(s2.lastLr()).containsExactly(s.lastLr());
        for (int e = 0; e < 5; e++) {
            s.step();
            s2.step();
            assertThat(opt2.lr(0)).isEqualTo(opt.lr(0));
            assertThat(opt2.lr(1)).isEqualTo(opt.lr(1));
        }
    }

    @Test
    void loadErrorsChangeNothing() {
        Optimizer<?> opt = twoGroups();
        StepLR s = new StepLR(opt, 2);
        s.step();
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("last_epoch", Tensors.scalar(-3, DType.FLOAT64));
        bad.put("base_lrs", Tensors.of(new double[] {0.1}));
        bad.put("gamma", Tensors.scalar(0.5, DType.FLOAT64));
        assertThatThrownBy(() -> s.loadStateDict(bad))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.unexpected()).containsExactly("gamma");
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("last_epoch: expected a non-negative whole"));
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("base_lrs: expected a floating-point tensor "
                            + "of shape [2]"));
                })
                .hasMessageContaining("loadStateDict(StepLR)");
        assertThatThrownBy(() -> s.loadStateDict(Map.of()))
                .isInstanceOfSatisfying(StateDictException.class,
                        e -> assertThat(e.missing()).containsExactly("last_epoch", "base_lrs"));
        assertThat(s.lastEpoch()).isEqualTo(1);
        assertThat(s.baseLr(0)).isEqualTo(BASE[0]);
    }

    @Test
    void constructorsCheckTheirArguments() {
        Optimizer<?> opt = twoGroups();
        assertThatThrownBy(() -> new StepLR(opt, 0)).hasMessageContaining("stepSize must be >= 1");
        assertThatThrownBy(() -> new ExponentialLR(opt, Double.NaN)).hasMessageContaining("gamma");
        assertThatThrownBy(() -> new CosineAnnealingLR(opt, 0)).hasMessageContaining("tMax must be >= 1");
        assertThatThrownBy(() -> new LinearWarmup(opt, 0.0, 1.0, 3)).hasMessageContaining("startFactor");
        LinearWarmup w = new LinearWarmup(opt, 3);
        assertThatThrownBy(() -> new SequentialLR(opt, List.of(w), new int[] {2}))
                .hasMessageContaining("expected 0 milestones for 1 schedules");
        assertThatThrownBy(() -> new SequentialLR(twoGroups(), List.of(w), new int[0]))
                .hasMessageContaining("drives another optimizer");
    }
}
