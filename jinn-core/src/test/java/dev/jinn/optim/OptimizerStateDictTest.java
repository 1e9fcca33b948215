package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Saving and restoring optimizer state mid-training, and the checks made on load and construction. */
class OptimizerStateDictTest {

    static Stream<Arguments> optimizers() {
        Function<List<Tensor>, Optimizer<?>> sgd = ps -> SGD.builder(0.05).momentum(0.9).nesterov(true)
                .weightDecay(0.01).build(ps);
        Function<List<Tensor>, Optimizer<?>> adam = ps -> Adam.builder().lr(0.1).amsgrad(true).buildGroups(List.of(
                ParamGroup.of(List.of(ps.get(0))), ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(0.02))));
        Function<List<Tensor>, Optimizer<?>> adamw = ps -> new AdamW(ps, 0.05);
        return Stream.of(DType.FLOAT64, DType.FLOAT32).flatMap(dt -> Stream.of(
                Arguments.of("SGD", dt, sgd), Arguments.of("Adam", dt, adam), Arguments.of("AdamW", dt, adamw)));
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        try (var g = Grad.disabled()) {
            for (Tensor p : ps) {
                out.add(p.copy().requiresGrad(true));
            }
        }
        return out;
    }

    private static Map<String, Tensor> roundTripThroughDoubles(Map<String, Tensor> dict) {
        // What a file would give back: new tensors with the same dtypes, shapes and values.
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            Tensor t = e.getValue();
            Tensor c = t.dtype() == DType.INT64 ? Tensors.of(t.toLongArray())
                    : Tensors.of(t.toDoubleArray()).to(t.dtype());
            c = c.reshape(t.shape());
            out.put(e.getKey(), c);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optimizers")
    void restoringMidTrainingContinuesBitForBit(String name, DType dtype, Function<List<Tensor>, Optimizer<?>> make) {
        List<Tensor> ps = Problem.params(dtype);
        Optimizer<?> opt = make.apply(ps);
        ExponentialLR sched = new ExponentialLR(opt, 0.9);
        for (int s = 0; s < 5; s++) {
            Problem.setGrads(ps);
            opt.step();
            sched.step();
        }
        Map<String, Tensor> saved = roundTripThroughDoubles(opt.stateDict());
        Map<String, Tensor> savedSched = sched.stateDict();
        List<Tensor> resumed = copies(ps);
        for (int s = 0; s < 5; s++) {
            Problem.setGrads(ps);
            opt.step();
            sched.step();
        }

        Optimizer<?> opt2 = make.apply(resumed);
        ExponentialLR sched2 = new ExponentialLR(opt2, 0.9);
        opt2.loadStateDict(saved);
        sched2.loadStateDict(savedSched);
        assertThat(sched2.lastEpoch()).isEqualTo(5);
        for (int s = 0; s < 5; s++) {
            Problem.setGrads(resumed);
            opt2.step();
            sched2.step();
        }
        for (int k = 0; k < ps.size(); k++) {
            assertThat(resumed.get(k).toDoubleArray()).as("param %d", k).containsExactly(ps.get(k).toDoubleArray());
            assertThat(resumed.get(k).dtype()).isEqualTo(dtype);
        }
        assertThat(sched2.lastLr()).containsExactly(sched.lastLr());
        Map<String, Tensor> a = opt.stateDict();
        Map<String, Tensor> b = opt2.stateDict();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String key : a.keySet()) {
            assertThat(b.get(key).dtype()).as(key).isEqualTo(a.get(key).dtype());
            assertThat(b.get(key).toDoubleArray()).as(key).containsExactly(a.get(key).toDoubleArray());
        }
    }

    @Test
    void stateDictKeysAndDtypes() {
        List<Tensor> ps = Problem.params(DType.FLOAT32);
        Adam opt = Adam.builder().amsgrad(true).build(ps);
        Problem.setGrad(ps.get(1), new double[] {1, 2, 3, 4});
        opt.step();
        Map<String, Tensor> sd = opt.stateDict();
        assertThat(sd.keySet()).containsExactly("state.1.step", "state.1.exp_avg", "state.1.exp_avg_sq",
                "state.1.max_exp_avg_sq", "param_groups.0.lr", "param_groups.0.beta1", "param_groups.0.beta2",
                "param_groups.0.eps", "param_groups.0.weight_decay", "param_groups.0.amsgrad",
                "param_groups.0.maximize", "param_groups.0.params");
        assertThat(sd.get("state.1.step").dim()).isZero();
        assertThat(sd.get("state.1.step").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(sd.get("state.1.step").item()).isEqualTo(1.0);
        assertThat(sd.get("state.1.exp_avg").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(sd.get("state.1.exp_avg").shape()).containsExactly(2, 2);
        assertThat(sd.get("param_groups.0.lr").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(sd.get("param_groups.0.lr").item()).isEqualTo(1e-3);
        assertThat(sd.get("param_groups.0.params").toLongArray()).containsExactly(0, 1);
        // The dict holds copies: later steps do not change it.
        double[] before = sd.get("state.1.exp_avg").toDoubleArray();
        opt.step();
        assertThat(sd.get("state.1.exp_avg").toDoubleArray()).containsExactly(before);
    }

    @Test
    void loadingRestoresHyperParameters() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        SGD a = SGD.builder(0.5).momentum(0.9).build(ps);
        a.setLr(0, 0.125);
        SGD b = SGD.builder(0.1).momentum(0.3).build(copies(ps));
        b.loadStateDict(a.stateDict());
        assertThat(b.lr(0)).isEqualTo(0.125);
        assertThat(b.paramGroups().get(0).options()).isEqualTo(a.paramGroups().get(0).options());
        assertThat(b.paramGroups().get(0).options().momentum()).isEqualTo(0.9);
    }

    private static Adam steppedAdam(List<Tensor> ps) {
        Adam opt = Adam.builder().lr(0.1).buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))),
                ParamGroup.of(List.of(ps.get(1)))));
        Problem.setGrads(ps);
        opt.step();
        return opt;
    }

    private static void assertUnchanged(Optimizer<?> opt, Map<String, Tensor> before) {
        Map<String, Tensor> after = opt.stateDict();
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        for (String k : before.keySet()) {
            assertThat(after.get(k).toDoubleArray()).as(k).containsExactly(before.get(k).toDoubleArray());
        }
    }

    @Test
    void loadReportsEveryProblemAndChangesNothing() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = steppedAdam(ps);
        Map<String, Tensor> before = opt.stateDict();

        Map<String, Tensor> bad = new LinkedHashMap<>(steppedAdam(Problem.params(DType.FLOAT64)).stateDict());
        bad.put("param_groups.1.lr", Tensors.scalar(0.5, DType.FLOAT64)); // a good change, must not be applied
        bad.remove("state.0.exp_avg_sq");
        bad.put("state.1.exp_avg", Tensors.zeros(DType.FLOAT64, 4));
        bad.put("state.7.exp_avg", Tensors.zeros(DType.FLOAT64, 3));
        bad.put("param_groups.0.momentum", Tensors.scalar(0.9, DType.FLOAT64));
        bad.put("param_groups.1.beta2", Tensors.scalar(1.5, DType.FLOAT64));
        assertThatThrownBy(() -> opt.loadStateDict(bad))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.missing()).containsExactly("state.0.exp_avg_sq");
                    assertThat(e.unexpected()).containsExactlyInAnyOrder("state.7.exp_avg", "param_groups.0.momentum");
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("state.1.exp_avg: expected a floating-point "
                            + "tensor of shape [2, 2], got float64 [4]"));
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("param_groups.1: AdamOptions: invalid beta2 1.5"));
                })
                .hasMessageContaining("loadStateDict(Adam)")
                .hasMessageContaining("nothing was loaded");
        assertUnchanged(opt, before);
        assertThat(opt.lr(1)).isEqualTo(0.1);
    }

    @Test
    void loadRejectsADifferentGroupLayout() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam twoGroups = steppedAdam(ps);
        Adam oneGroup = new Adam(copies(ps), 0.1);
        Map<String, Tensor> before = oneGroup.stateDict();
        assertThatThrownBy(() -> oneGroup.loadStateDict(twoGroups.stateDict()))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.mismatched()).anyMatch(m -> m.contains("param_groups.0.params: expected int64 "
                            + "indices [0, 1], got [0]"));
                    assertThat(e.unexpected()).contains("param_groups.1.lr", "param_groups.1.params");
                });
        assertUnchanged(oneGroup, before);
    }

    @Test
    void loadRejectsAnSgdDictInAdam() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        SGD sgd = SGD.builder(0.1).momentum(0.9).build(ps);
        Problem.setGrads(ps);
        sgd.step();
        Adam adam = new Adam(copies(ps));
        assertThatThrownBy(() -> adam.loadStateDict(sgd.stateDict()))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.missing()).contains("param_groups.0.beta1", "state.0.step", "state.0.exp_avg");
                    assertThat(e.unexpected()).contains("param_groups.0.momentum", "state.0.momentum_buffer");
                });
        assertThat(adam.state(adam.paramGroups().get(0).params().get(0))).isEmpty();
    }

    @Test
    void loadRejectsABadStepCount() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = steppedAdam(ps);
        Map<String, Tensor> bad = new LinkedHashMap<>(opt.stateDict());
        bad.put("state.0.step", Tensors.scalar(1.5, DType.FLOAT64));
        assertThatThrownBy(() -> opt.loadStateDict(bad))
                .hasMessageContaining("state.0.step: expected a non-negative whole number, got 1.5");
    }

    @Test
    void constructionChecksParametersAndOptions() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        assertThatThrownBy(() -> new SGD(List.of(), 0.1)).hasMessageContaining("SGD: got an empty parameter list");
        assertThatThrownBy(() -> new SGD(List.of(ps.get(0), ps.get(0)), 0.1))
                .hasMessageContaining("appears more than once");
        assertThatThrownBy(() -> SGD.builder(0.1).buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))),
                ParamGroup.of(List.of(ps.get(0)))))).hasMessageContaining("parameter 0 of group 1");
        assertThatThrownBy(() -> new Adam(List.of(ps.get(0).mul(2.0))))
                .hasMessageContaining("is not a leaf tensor");
        assertThatThrownBy(() -> new Adam(List.of(Tensors.of(new long[] {1, 2}))))
                .hasMessageContaining("only floating-point tensors can be optimized");
        assertThatThrownBy(() -> SGD.builder(0.1).nesterov(true).build(ps))
                .hasMessageContaining("Nesterov momentum requires a momentum > 0 and zero dampening");
        assertThatThrownBy(() -> new SGD(ps, -1)).hasMessageContaining("SGDOptions: invalid lr -1.0");
        assertThatThrownBy(() -> Adam.builder().betas(0.9, 1.0).build(ps)).hasMessageContaining("invalid beta2 1.0");
        assertThatThrownBy(() -> Adam.builder().buildGroups(List.of(ParamGroup.of(ps, o -> o.withEps(-1)))))
                .hasMessageContaining("Adam: parameter group 0: AdamOptions: invalid eps -1.0");
        Adam opt = new Adam(List.of(ps.get(0)));
        assertThatThrownBy(() -> opt.setLr(0, Double.NaN)).hasMessageContaining("invalid lr NaN");
        assertThatThrownBy(() -> opt.state(ps.get(1))).hasMessageContaining("is not one of this optimizer's");
        opt.addParamGroup(ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(0.5)));
        assertThat(opt.paramGroups()).hasSize(2);
        assertThat(opt.lr(1)).isEqualTo(0.5);
        assertThat(opt.paramGroups().get(1).options().beta2()).isEqualTo(0.999);
        assertThatThrownBy(() -> opt.addParamGroup(ParamGroup.of(List.of(ps.get(1)))))
                .hasMessageContaining("appears more than once");
        assertThat(opt.paramGroups()).hasSize(2);
    }
}
