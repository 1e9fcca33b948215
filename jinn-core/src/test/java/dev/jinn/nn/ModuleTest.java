package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
    /** y = x·w + b, with a non-persistent scratch buffer and a persistent counter. */
    static class Affine extends Layer {
        Affine(int in, int out, boolean bias) {
            registerParameter("weight", Tensors.ones(in, out));
            registerParameter("bias", bias ? Tensors.zeros(out) : null);
            registerBuffer("calls", Tensors.zeros(DType.INT64, 1), true);
            registerBuffer("scratch", Tensors.zeros(out), false);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = x.matmul(parameter("weight"));
            return parameter("bias") == null ? y : y.add(parameter("bias"));
        }
    }

    static final class Net extends Layer {
        final Affine first = registerModule("0", new Affine(2, 3, true));
        final Affine second = registerModule("subnet", new Affine(3, 1, false));

        @Override
        public Tensor forward(Tensor x) {
            return second.forward(first.forward(x).tanh());
        }
    }

    @Test
    void namesFollowPyTorchsHierarchy() {
        Net net = new Net();
        assertThat(net.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "subnet.weight");
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "0.calls", "subnet.weight",
                "subnet.calls");
        assertThat(net.namedBuffers().keySet()).containsExactly("0.calls", "0.scratch", "subnet.calls",
                "subnet.scratch");
        assertThat(net.parameterCount()).isEqualTo(2 * 3 + 3 + 3);
        assertThat(net.parameters()).allMatch(Tensor::requiresGrad);
        assertThat(net.namedModules().keySet()).containsExactly("", "0", "subnet");
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net net = new Net();
        net.eval();
        assertThat(net.namedModules().values()).noneMatch(Module::isTraining);
        net.train();
        assertThat(net.namedModules().values()).allMatch(Module::isTraining);
    }

    @Test
    void loadStateDictCopiesValuesAndConvertsTypes() {
        Net source = new Net();
        Net target = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : source.stateDict().entrySet()) {
            state.put(e.getKey(), e.getValue().detach().to(DType.FLOAT64).add(1.0).to(e.getValue().dtype() == DType.INT64
                    ? DType.INT64 : DType.FLOAT64));
        }
        target.loadStateDict(state, true);
        assertThat(target.first.parameter("weight").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(target.first.parameter("weight").toFloatArray()).containsOnly(2f);
        assertThat(target.first.parameter("bias").toFloatArray()).containsOnly(1f);
        assertThat(target.first.buffer("calls").toLongArray()).containsExactly(1L);
    }

    @Test
    void aBadStateDictReportsEverythingAndChangesNothing() {
        Net net = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>(new Net().stateDict());
        state.put("0.weight", Tensors.full(5.0, 2, 3));
        state.remove("0.bias");
        state.put("subnet.weight", Tensors.zeros(4, 1));
        state.put("extra", Tensors.zeros(1));
        assertThatThrownBy(() -> net.loadStateDict(state, true))
                .isInstanceOfSatisfying(StateDictException.class, e -> {
                    assertThat(e.missing()).containsExactly("0.bias");
                    assertThat(e.unexpected()).containsExactly("extra");
                    assertThat(e.mismatched()).containsExactly("subnet.weight: expected [3, 1], got [4, 1]");
                })
                .hasMessageContaining("nothing was loaded");
        assertThat(net.first.parameter("weight").toFloatArray()).containsOnly(1f);
    }

    @Test
    void nonStrictLoadingSkipsMissingAndUnexpectedKeysButNotShapeMismatches() {
        Net net = new Net();
        Map<String, Tensor> partial = Map.of("0.weight", Tensors.full(3.0, 2, 3), "other", Tensors.zeros(1));
        net.loadStateDict(partial, false);
        assertThat(net.first.parameter("weight").toFloatArray()).containsOnly(3f);
        assertThatThrownBy(() -> net.loadStateDict(Map.of("0.weight", Tensors.zeros(3, 2)), false))
                .isInstanceOf(StateDictException.class);
    }

    @Test
    void toConvertsParametersAndFloatBuffersButKeepsIntegerBuffers() {
        Net net = new Net();
        net.to(DType.FLOAT64);
        assertThat(net.parameters()).allMatch(p -> p.dtype() == DType.FLOAT64 && p.requiresGrad() && p.isLeaf());
        assertThat(net.first.buffer("scratch").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(net.first.buffer("calls").dtype()).isEqualTo(DType.INT64);
        Tensor y = net.forward(Tensors.ones(DType.FLOAT64, 4, 2));
        y.sum().backward();
        assertThat(net.first.parameter("weight").grad()).isNotNull();
        net.zeroGrad();
        assertThat(net.first.parameter("weight").grad()).isNull();
    }

    @Test
    void registrationRejectsBadNamesDuplicatesAndIntegerParameters() {
        assertThatThrownBy(() -> new Layer() {
            {
                registerParameter("a.b", Tensors.zeros(1));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }).hasMessageContaining("invalid parameter name 'a.b'");
        assertThatThrownBy(() -> new Affine(1, 1, true) {
            {
                registerBuffer("weight", Tensors.zeros(1), true);
            }
        }).hasMessageContaining("the name 'weight' is already registered");
        assertThatThrownBy(() -> new Affine(1, 1, true) {
            {
                registerParameter("idx", Tensors.zeros(DType.INT64, 1));
            }
        }).hasMessageContaining("parameter 'idx' must be floating point, got int64");
    }

    @Test
    void toStringShowsTheTreeWithParameterCounts() {
        String text = new Net().toString();
        assertThat(text).startsWith("Net(\n  (0): Affine()  # 9 parameters\n  (subnet): Affine()  # 3 parameters\n)");
        assertThat(text).endsWith("# 12 parameters");
    }
}
