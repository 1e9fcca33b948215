package dev.jinn.flow.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.ConditionNode;
import dev.jinn.flow.GraphINN;
import dev.jinn.flow.GraphResult;
import dev.jinn.flow.InputNode;
import dev.jinn.flow.Node;
import dev.jinn.flow.OutputNode;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.coupling.RNVPCouplingBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.reshape.Flatten;
import dev.jinn.flow.reshape.HaarDownsampling;
import dev.jinn.flow.reshape.Reshape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.flow.topology.Concat;
import dev.jinn.flow.topology.Split;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FrEIA's own test scenarios (its tests/test_base.py, test_conditioning.py and test_graph_inn.py) rebuilt with
 * jinn's modules, with tighter checks: log-dets against the exact Jacobian in float64 instead of FrEIA's 3 %
 * numerical tolerance.
 */
class FreiaScenariosTest {
    /** FrEIA's tests shrink the subnets' initial weights so the untrained graphs stay well-conditioned. */
    private static SubnetConstructor scaled(SubnetConstructor c, double factor) {
        return (in, out) -> {
            Layer net = c.build(in, out);
            try (var g = Grad.disabled()) {
                for (Tensor p : net.parameters()) {
                    p.copyFrom(p.mul(factor));
                }
            }
            return net;
        };
    }

    private static GraphINN conditioningNet() {
        var inp = new InputNode(3, 10, 10).named("input");
        var c1 = new ConditionNode(1, 10, 10).named("c1");
        var c2 = new ConditionNode(50).named("c2");
        var c3 = new ConditionNode(20).named("c3");
        var conv = new Node(inp, RNVPCouplingBlock.builder().subnet(scaled(Subnets.conv(32, 3), 0.3)).clamp(1.0), c1)
                .named("conv::c1");
        var flatten = new Node(conv, Flatten.spec()).named("flatten");
        var linear = new Node(flatten, RNVPCouplingBlock.builder().subnet(scaled(Subnets.mlp(128), 0.3)).clamp(1.0),
                List.of(c2, c3)).named("linear::c2|c3");
        var outp = new OutputNode(linear).named("output");
        return new GraphINN(List.of(inp, c1, conv, flatten, c2, c3, linear, outp));
    }

    @Test
    void baseAModuleWithAVectorConditionConstructs() {
        var m = GLOWCouplingBlock.builder().subnet(Subnets.mlp(16)).build(List.of(Shape.of(8)), List.of(Shape.of(32)));
        assertThat(m.dimsIn()).containsExactly(Shape.of(8));
        assertThat(m.dimsC()).containsExactly(Shape.of(32));
    }

    @Test
    void conditioningShapesInversionAndWrongConditions() {
        GraphINN net = conditioningNet();
        Rng rng = new Rng(32);
        Tensor x = Tensors.randn(rng, 32, 3, 10, 10);
        Tensor c1 = Tensors.randn(rng, 32, 1, 10, 10);
        Tensor c2 = Tensors.randn(rng, 32, 50);
        Tensor c3 = Tensors.randn(rng, 32, 20);
        List<Tensor> c = List.of(c1, c2, c3);
        try (var g = Grad.disabled()) {
            GraphResult y = net.forward(List.of(x), c);
            assertThat(y.output().shape()).isEqualTo(new int[] {32, 300});
            GraphResult back = net.inverse(y.outputs(), c);
            assertThat(back.output().sub(x).abs().max().item()).isLessThan(1e-4);
            assertThat(y.logDet().add(back.logDet()).abs().max().item()).isLessThan(1e-4);
        }
        assertThatThrownBy(() -> net.forward(List.of(x), List.of(c2, c1, c3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 0");
        assertThatThrownBy(() -> net.forward(List.of(x), List.of(c1, Tensors.randn(rng, 32, 54), c3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 1");
        assertThatThrownBy(() -> net.forward(List.of(x), List.of(Tensors.randn(rng, 32, 1, 10, 11), c2, c3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 0");
    }

    @Test
    void conditioningLogDetIsExact() {
        GraphINN net = conditioningNet();
        net.to(DType.FLOAT64);
        Rng rng = new Rng(5);
        List<Tensor> x = List.of(Tensors.randn(rng, DType.FLOAT64, 2, 3, 10, 10));
        List<Tensor> c = List.of(Tensors.randn(rng, DType.FLOAT64, 2, 1, 10, 10), Tensors.randn(rng, DType.FLOAT64, 2, 50),
                Tensors.randn(rng, DType.FLOAT64, 2, 20));
        Tensor logDet = net.forward(x, c).logDet();
        Tensor exact = FlowConformance.bruteForceLogDet(net, x, c);
        assertThat(logDet.sub(exact).abs().max().item()).isLessThan(1e-8 * Math.max(1, exact.abs().max().item()));
        // FrEIA's own check: central differences (h = 1e-3 there; 1e-5 in float64 here).
        Tensor numerical = net.logJacobianNumerical(x, c, false, 1e-5);
        assertThat(numerical.sub(exact).abs().max().item()).isLessThan(1e-4);
    }

    @Test
    void complexGraphFromFreiasGraphTest() {
        var inp = new InputNode(3, 10, 10).named("input");
        var cond = new ConditionNode(1, 10, 10).named("cond");
        var split = new Node(inp, Split.sections(1, 2).dim(0)).named("split1");
        var flatten1 = new Node(split.out(0), Flatten.spec()).named("flatten1");
        var perm = new Node(flatten1, PermuteRandom.seed(123)).named("perm");
        var unflatten1 = new Node(perm, Reshape.to(1, 10, 10)).named("unflatten1");
        var conv = new Node(split.out(1), RNVPCouplingBlock.builder().subnet(scaled(Subnets.conv(32, 3), 0.3))
                .clamp(1.0), cond).named("conv");
        var flatten2 = new Node(conv, Flatten.spec()).named("flatten2");
        var linear = new Node(flatten2, RNVPCouplingBlock.builder().subnet(scaled(Subnets.mlp(128), 0.3)).clamp(1.0))
                .named("linear");
        var unflatten2 = new Node(linear, Reshape.to(2, 10, 10)).named("unflatten2");
        var concat = new Node(List.of(unflatten1.out(0), unflatten2.out(0)), Concat.dim(0)).named("concat");
        var haar = new Node(concat, HaarDownsampling.spec()).named("haar");
        var output = new OutputNode(haar).named("output");
        var net = new GraphINN(List.of(inp, cond, split, flatten1, perm, unflatten1, conv, flatten2, linear,
                unflatten2, concat, haar, output));
        assertThat(net.outputDims(net.dimsIn())).containsExactly(Shape.of(12, 5, 5));

        Rng rng = new Rng(1);
        Tensor x = Tensors.randn(rng, 32, 3, 10, 10);
        Tensor c = Tensors.randn(rng, 32, 1, 10, 10);
        try (var g = Grad.disabled()) {
            GraphResult y = net.forward(List.of(x), List.of(c));
            assertThat(y.output().shape()).isEqualTo(new int[] {32, 12, 5, 5});
            GraphResult back = net.inverse(y.outputs(), List.of(c));
            assertThat(back.output().sub(x).abs().max().item()).isLessThan(1e-4);
            assertThat(y.logDet().add(back.logDet()).abs().max().item()).isLessThan(1e-4);
        }
        net.to(DType.FLOAT64);
        List<Tensor> x64 = List.of(x.narrow(0, 0, 2).to(DType.FLOAT64));
        List<Tensor> c64 = List.of(c.narrow(0, 0, 2).to(DType.FLOAT64));
        Tensor exact = FlowConformance.bruteForceLogDet(net, x64, c64);
        Tensor logDet = net.forward(x64, c64).logDet();
        assertThat(logDet.sub(exact).abs().max().item()).isLessThan(1e-8 * Math.max(1, exact.abs().max().item()));
    }

    @Test
    void anExistingModuleInstanceInsideANode() {
        var in = new InputNode(3);
        var block = AllInOneBlock.builder().subnet(Subnets.mlp()).build(List.of(Shape.of(3)), List.of());
        var node = new Node(in, block);
        var net = new GraphINN(List.of(in, node, new OutputNode(node)));
        assertThat(net.forward(List.of(Tensors.randn(new Rng(0), 16, 3))).output().shape()).isEqualTo(new int[] {16, 3});
        assertThat(node.module()).isSameAs(block);
        var wrong = new InputNode(4);
        assertThatThrownBy(() -> new Node(wrong, block)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(3,)").hasMessageContaining("(4,)");
    }
}
