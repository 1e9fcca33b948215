package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.StateDictException;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Optimizer state dicts written before the options became typed records still load and continue training bit
 * for bit. {@code legacy-optimizers.safetensors} was written by jinn at commit {@code cebdc7f} (options as a
 * {@code Map<String, Double>}, flags as 0/1): for each optimizer, the {@link Problem} parameters after three
 * steps ({@code <name>.param.<k>}), the optimizer's state dict at that point ({@code <name>.optimizer.*}) and the
 * parameters after one more step ({@code <name>.next.<k>}). Adam used float32 parameters, two groups (the second
 * with {@code lr = 0.02, beta1 = 0.5}), AMSGrad, weight decay 0.01 and an {@code ExponentialLR(0.9)}; SGD float64,
 * Nesterov momentum 0.9, weight decay 0.01, lr 0.05; AdamW float32, lr 0.05, betas (0.8, 0.99) and a
 * {@code StepLR(2, 0.5)}.
 */
class LegacyOptimizerStateTest {
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void read() throws Exception {
        URL url = LegacyOptimizerStateTest.class.getResource("legacy-optimizers.safetensors");
        assertThat(url).as("fixture on the test class path").isNotNull();
        fixture = SafeTensors.read(Path.of(url.toURI())).tensors();
    }

    static Stream<Arguments> optimizers() {
        Function<List<Tensor>, Optimizer<?>> adam = ps -> Adam.builder().lr(0.1).amsgrad(true).weightDecay(0.01)
                .buildGroups(List.of(ParamGroup.of(List.of(ps.get(0))),
                        ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(0.02).withBetas(0.5, 0.999))));
        Function<List<Tensor>, Optimizer<?>> sgd = ps -> SGD.builder(0.05).momentum(0.9).nesterov(true)
                .weightDecay(0.01).build(ps);
        Function<List<Tensor>, Optimizer<?>> adamw = ps -> AdamW.builder().lr(0.05).betas(0.8, 0.99).build(ps);
        return Stream.of(Arguments.of("adam", adam), Arguments.of("sgd", sgd), Arguments.of("adamw", adamw));
    }

    private static Map<String, Tensor> section(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : fixture.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    private static List<Tensor> params(String name) {
        List<Tensor> ps = new ArrayList<>();
        try (var g = Grad.disabled()) {
            for (int k = 0; k < 2; k++) {
                ps.add(fixture.get(name + ".param." + k).copy().requiresGrad(true));
            }
        }
        return ps;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void continuesBitForBitFromAnOldStateDict(String name, Function<List<Tensor>, Optimizer<?>> make) {
        List<Tensor> ps = params(name);
        Optimizer<?> opt = make.apply(ps);
        Map<String, Tensor> saved = section(name + ".optimizer.");
        opt.loadStateDict(saved);
        Problem.setGrads(ps);
        opt.step();
        for (int k = 0; k < ps.size(); k++) {
            Tensor expected = fixture.get(name + ".next." + k);
            assertThat(ps.get(k).dtype()).isEqualTo(expected.dtype());
            assertThat(ps.get(k).toDoubleArray()).as("%s param %d", name, k).containsExactly(expected.toDoubleArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void writesTheSameKeysAsBefore(String name, Function<List<Tensor>, Optimizer<?>> make) {
        Optimizer<?> opt = make.apply(params(name));
        Map<String, Tensor> saved = section(name + ".optimizer.");
        opt.loadStateDict(saved);
        Map<String, Tensor> again = opt.stateDict();
        assertThat(again.keySet()).containsExactlyInAnyOrderElementsOf(saved.keySet());
        for (String key : saved.keySet()) {
            assertThat(again.get(key).dtype()).as(key).isEqualTo(saved.get(key).dtype());
            assertThat(again.get(key).toDoubleArray()).as(key).containsExactly(saved.get(key).toDoubleArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoresTheOptionsAndTheSchedulesBase(String name, Function<List<Tensor>, Optimizer<?>> make) {
        Optimizer<?> opt = make.apply(params(name));
        opt.loadStateDict(section(name + ".optimizer."));
        for (int g = 0; g < opt.paramGroups().size(); g++) {
            String prefix = name + ".optimizer.param_groups." + g + ".";
            ParamGroup<?> group = opt.paramGroups().get(g);
            assertThat(group.lr()).isEqualTo(fixture.get(prefix + "lr").item());
            Tensor initial = fixture.get(prefix + "initial_lr");
            if (initial == null) {
                assertThat(group.initialLr()).isEmpty();
            } else {
                assertThat(group.initialLr()).hasValue(initial.item());
            }
        }
        if (name.equals("adam")) {
            // Three ExponentialLR(0.9) steps from 0.02, and the second group's own beta1.
            Adam adam = (Adam) opt;
            assertThat(adam.paramGroups().get(1).options())
                    .isEqualTo(new AdamOptions(0.02 * 0.9 * 0.9 * 0.9, 0.5, 0.999, 1e-8, 0.01, true, false));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void rejectsAFlagThatIsNeitherZeroNorOne(String name, Function<List<Tensor>, Optimizer<?>> make) {
        Optimizer<?> opt = make.apply(params(name));
        Map<String, Tensor> bad = new LinkedHashMap<>(section(name + ".optimizer."));
        bad.put("param_groups.0.maximize", Tensors.scalar(0.5, dev.jinn.tensor.DType.FLOAT64));
        assertThatThrownBy(() -> opt.loadStateDict(bad))
                .isInstanceOfSatisfying(StateDictException.class, e -> assertThat(e.mismatched())
                        .anyMatch(m -> m.contains("param_groups.0: ") && m.contains("invalid maximize 0.5")));
        assertThat(opt.paramGroups().get(0).options().values()).containsEntry("maximize", 0.0);
    }
}
