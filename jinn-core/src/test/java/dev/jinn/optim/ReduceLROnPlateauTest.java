package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Patience, cooldown, thresholds and bounds, with learning-rate sequences traced by hand. */
class ReduceLROnPlateauTest {

    private static Optimizer<?> sgd(double... lrs) {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        if (lrs.length == 1) {
            return new SGD(ps, lrs[0]);
        }
        return SGD.builder(lrs[0]).buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))),
                ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(lrs[1]))));
    }

    private static double[] run(ReduceLROnPlateau s, Optimizer<?> opt, double... metrics) {
        double[] lrs = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            lrs[i] = opt.lr(0);
            assertThat(s.lastLr()[0]).isEqualTo(lrs[i]);
        }
        return lrs;
    }

    @Test
    void patienceCooldownAndRelativeThreshold() {
        Optimizer<?> opt = sgd(1.0);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder().factor(0.5).patience(2).cooldown(1)
                .threshold(0.1, ReduceLROnPlateau.ThresholdMode.REL).build(opt);
        // epoch 1: best 10. 2-3: 9.5, 9.2 are not below 10·0.9 → bad 1, 2. 4: bad 3 > 2 → lr 0.5, cooldown 1.
        // 5: bad (9.05 ≥ 9) but cooldown swallows it. 6: 8 < 9 → best 8. 7-8: bad 1, 2. 9: bad 3 → 0.25.
        // 10: cooldown. 11: bad 1.
        double[] lrs = run(s, opt, 10, 9.5, 9.2, 9.1, 9.05, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0);
        assertThat(lrs).containsExactly(1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25);
        assertThat(s.best()).isEqualTo(8.0);
        assertThat(s.numBadEpochs()).isEqualTo(1);
        assertThat(s.cooldownCounter()).isZero();
        assertThat(s.lastEpoch()).isEqualTo(11);
    }

    @Test
    void smallImprovementsBelowTheThresholdCountAsBad() {
        Optimizer<?> opt = sgd(1.0);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder().patience(1).build(opt); // rel 1e-4, factor 0.1
        // 1.0 → best. 0.99995 is not below 1 − 1e-4 = 0.9999 → bad 1; 0.99991 → bad 2 > 1 → lr 0.1.
        double[] lrs = run(s, opt, 1.0, 0.99995, 0.99991, 0.5);
        assertThat(lrs[0]).isEqualTo(1.0);
        assertThat(lrs[1]).isEqualTo(1.0);
        assertThat(lrs[2]).isEqualTo(0.1);
        assertThat(s.best()).isEqualTo(0.5);
    }

    @Test
    void maxModeAbsoluteThresholdAndMinLr() {
        Optimizer<?> opt = sgd(1.0);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder().mode(ReduceLROnPlateau.Mode.MAX).patience(0)
                .threshold(0.5, ReduceLROnPlateau.ThresholdMode.ABS).minLr(0.3).build(opt);
        // 1 → best. 1.4 is not above 1.5 → bad 1 > 0 → max(0.1, 0.3) = 0.3. 2.0 > 1.5 → best.
        // 2.2 not above 2.5 → reduce, but max(0.03, 0.3) = 0.3 is no change.
        double[] lrs = run(s, opt, 1.0, 1.4, 2.0, 2.2);
        assertThat(lrs).containsExactly(1.0, 0.3, 0.3, 0.3);
        assertThat(s.best()).isEqualTo(2.0);
    }

    @Test
    void perGroupMinimaAndTheEpsBound() {
        Optimizer<?> opt = sgd(1.0, 0.01);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder().factor(0.5).patience(0).minLr(0.2, 0.0).build(opt);
        s.step(1.0);
        s.step(1.0);
        assertThat(opt.lr(0)).isEqualTo(0.5);
        assertThat(opt.lr(1)).isEqualTo(0.005);
        s.step(1.0);
        s.step(1.0);
        assertThat(opt.lr(0)).isEqualTo(0.2);
        assertThat(opt.lr(1)).isEqualTo(0.00125);

        Optimizer<?> tiny = sgd(1.5e-8);
        ReduceLROnPlateau t = ReduceLROnPlateau.builder().patience(0).build(tiny);
        t.step(1.0);
        t.step(1.0); // 1.5e-8 − 1.5e-9 > 1e-8: reduced
        assertThat(tiny.lr(0)).isEqualTo(1.5e-8 * 0.1);
        t.step(1.0); // the next change would be 1.35e-9 < eps: skipped
        assertThat(tiny.lr(0)).isEqualTo(1.5e-8 * 0.1);
    }

    @Test
    void nanMetricsAreNeverBetter() {
        Optimizer<?> opt = sgd(1.0);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder().patience(1).build(opt);
        s.step(Double.NaN);
        s.step(Double.NaN);
        assertThat(opt.lr(0)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-17));
        assertThat(s.best()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void stateDictRoundTrip() {
        double[] metrics = {5, 4, 4.5, 4.4, 4.3, 4.2, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5};
        Optimizer<?> opt = sgd(1.0);
        ReduceLROnPlateau.Builder b = ReduceLROnPlateau.builder().factor(0.5).patience(2).cooldown(2);
        ReduceLROnPlateau s = b.build(opt);
        for (int i = 0; i < 5; i++) {
            s.step(metrics[i]);
        }
        Map<String, Tensor> saved = s.stateDict();
        assertThat(saved.keySet()).containsExactly("best", "num_bad_epochs", "cooldown_counter", "last_epoch");
        Optimizer<?> opt2 = sgd(1.0);
        opt2.loadStateDict(opt.stateDict());
        ReduceLROnPlateau s2 = b.build(opt2);
        s2.loadStateDict(saved);
        assertThat(s2.best()).isEqualTo(s.best());
        assertThat(s2.cooldownCounter()).isEqualTo(s.cooldownCounter());
        for (int i = 5; i < metrics.length; i++) {
            s.step(metrics[i]);
            s2.step(metrics[i]);
            assertThat(opt2.lr(0)).as("epoch %d", i + 1).isEqualTo(opt.lr(0));
        }
        assertThat(opt.lr(0)).isLessThan(0.5);

        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(saved);
        bad.put("num_bad_epochs", Tensors.scalar(-1, DType.FLOAT64));
        bad.remove("best");
        int before = s2.numBadEpochs();
        assertThatThrownBy(() -> s2.loadStateDict(bad))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.missing()).containsExactly("best");
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("num_bad_epochs: invalid value -1.0"));
                });
        assertThat(s2.numBadEpochs()).isEqualTo(before);
    }

    @Test
    void builderChecksItsArguments() {
        assertThatThrownBy(() -> ReduceLROnPlateau.builder().factor(1.0)).hasMessageContaining("factor must be in");
        assertThatThrownBy(() -> ReduceLROnPlateau.builder().patience(-1)).hasMessageContaining("patience");
        assertThatThrownBy(() -> ReduceLROnPlateau.builder().minLr(0.1, 0.2, 0.3).build(sgd(1.0, 0.1)))
                .hasMessageContaining("expected 1 or 2 minimum learning rates, got 3");
    }
}
