package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A group's typed options: resolved from the defaults by its overrides, changed between steps, always valid. */
class ParamGroupTest {

    @Test
    void aGroupOutsideAnOptimizerHasNoOptionsYet() {
        ParamGroup<SGDOptions> g = ParamGroup.of(Problem.params(DType.FLOAT64));
        assertThatThrownBy(g::options).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not in an optimizer yet");
    }

    @Test
    void overridesApplyToTheDefaultsOfTheOptimizerTheGroupJoins() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        ParamGroup<SGDOptions> head = ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(o.lr() / 10));
        SGD a = SGD.builder(0.5).momentum(0.9).buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))), head));
        SGD b = SGD.builder(0.25).buildGroups(List.of(head));
        assertThat(a.paramGroups().get(1).options()).isEqualTo(new SGDOptions(0.05, 0.9, 0, 0, false, false));
        assertThat(b.paramGroups().get(0).options()).isEqualTo(new SGDOptions(0.025, 0, 0, 0, false, false));
        assertThatThrownBy(head::options).as("the optimizers keep their own copies")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUpdateTakesEffectAtTheNextStep() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        SGD opt = new SGD(ps, 0.1);
        opt.paramGroups().get(0).update(o -> o.withLr(0.2).withWeightDecay(0.5));
        double[] p = ps.get(0).toDoubleArray();
        double[] g = Problem.grad(0, p);
        Problem.setGrads(ps);
        opt.step();
        double[] after = ps.get(0).toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            assertThat(after[i]).isEqualTo(p[i] + (g[i] + p[i] * 0.5) * -0.2);
        }
    }

    @Test
    void anUpdateOutOfRangeChangesNothing() {
        SGD opt = SGD.builder(0.1).momentum(0.9).nesterov(true).build(Problem.params(DType.FLOAT64));
        ParamGroup<SGDOptions> g = opt.paramGroups().get(0);
        SGDOptions before = g.options();
        assertThatThrownBy(() -> g.update(o -> o.withDampening(0.5)))
                .hasMessageContaining("Nesterov momentum requires a momentum > 0 and zero dampening");
        assertThatThrownBy(() -> g.lr(-1)).hasMessageContaining("SGDOptions: invalid lr -1.0");
        assertThat(g.options()).isSameAs(before);
    }

    @Test
    void optionsRoundTripThroughTheirStateDictForm() {
        AdamOptions a = new AdamOptions(0.3, 0.8, 0.95, 1e-6, 0.05, true, false);
        assertThat(a.values()).containsExactly(Map.entry("lr", 0.3), Map.entry("beta1", 0.8),
                Map.entry("beta2", 0.95), Map.entry("eps", 1e-6),
                Map.entry("weight_decay", 0.05), Map.entry("amsgrad", 1.0),
                Map.entry("maximize", 0.0));
        assertThat(Adam.builder().options().withValues(a.values())).isEqualTo(a);
        SGDOptions s = new SGDOptions(0.1, 0.9, 0, 0.01, true, true);
        assertThat(SGD.builder(1).options().withValues(s.values())).isEqualTo(s);
    }
}
