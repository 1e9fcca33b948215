package dev.jinn.flow.coupling;

import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.nn.Init;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every coupling block through the conformance harness, over FrEIA's test layouts (a dense vector, an image with
 * a 1×1-conv subnet, an image with a 3×3-conv subnet), with and without conditions. This also covers FrEIA's
 * own coupling tests (shape kept, reconstruction, forward log-det = −reverse log-det), at far tighter
 * tolerances.
 *
 * <p>Sizes: images are FrEIA's (3, 8, 8); batches are the harness's default 3 instead of FrEIA's 8 or 32. The
 * harness builds the exact Jacobian with one backward pass per output coordinate (192 for an image), whose
 * cost grows with the batch, and samples never interact, so more of them would test nothing new. All 100 cases
 * take about 5 s.
 */
class CouplingConformanceTest {
    private static final Shape IMAGE = Shape.of(3, 8, 8);

    /** Each block family with non-default settings where it has them; conditional-only blocks are marked. */
    private static Map<String, Function<SubnetConstructor, ModuleSpec>> blocks() {
        Map<String, Function<SubnetConstructor, ModuleSpec>> b = new LinkedHashMap<>();
        b.put("AllInOne", s -> AllInOneBlock.builder().subnet(s));
        b.put("AllInOne soft, reverse permutation, SIGMOID 0.7", s -> AllInOneBlock.builder().subnet(s)
                .permuteSoft(true).reversePermutation(true).globalAffineType(GlobalAffineType.SIGMOID)
                .globalAffineInit(0.7));
        b.put("AllInOne Householder 2, EXP 1.3, clamp 1.5", s -> AllInOneBlock.builder().subnet(s).permuteSoft(true)
                .learnedHouseholderPermutation(2).globalAffineType(GlobalAffineType.EXP).globalAffineInit(1.3)
                .affineClamping(1.5));
        b.put("AllInOne GIN, hard Householder, reverse permutation", s -> AllInOneBlock.builder().subnet(s)
                .ginBlock(true).learnedHouseholderPermutation(1).reversePermutation(true));
        b.put("NICE", s -> NICECouplingBlock.builder().subnet(s));
        b.put("RNVP", s -> RNVPCouplingBlock.builder().subnet(s));
        b.put("RNVP TANH clamp 1", s -> RNVPCouplingBlock.builder().subnet(s).clamp(1.0)
                .clampActivation(ClampActivation.TANH));
        b.put("GLOW", s -> GLOWCouplingBlock.builder().subnet(s));
        b.put("GLOW SIGMOID split 1", s -> GLOWCouplingBlock.builder().subnet(s).splitLen(1)
                .clampActivation(ClampActivation.SIGMOID));
        b.put("GIN", s -> GINCouplingBlock.builder().subnet(s));
        b.put("OneSided", s -> AffineCouplingOneSided.builder().subnet(s));
        b.put("OneSided softsign split 0.3", s -> AffineCouplingOneSided.builder().subnet(s).splitLen(0.3)
                .clampActivation(ClampActivation.custom("softsign", u -> u.div(u.abs().add(1.0)))));
        b.put("ConditionalAffine", s -> ConditionalAffineTransform.builder().subnet(s).clamp(1.5));
        return b;
    }

    /** A layout: input shape, subnet, and the conditions of the conditional variant. */
    private record Layout(String name, Shape in, SubnetConstructor subnet, List<Shape> conditions) {
    }

    private static List<Layout> layouts() {
        return List.of(
                new Layout("dense (3,)", Shape.of(3), Subnets.mlp(8), List.of(Shape.of(2))),
                new Layout("dense (10,)", Shape.of(10), Subnets.mlp(8), List.of(Shape.of(2), Shape.of(3))),
                new Layout("image 1x1 conv", IMAGE, Subnets.conv1x1(4), List.of(Shape.of(1, 8, 8))),
                new Layout("image 3x3 conv", IMAGE, Subnets.conv(4, 3), List.of(Shape.of(2, 8, 8), Shape.of(1, 8, 8))));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (var block : blocks().entrySet()) {
            for (Layout layout : layouts()) {
                for (boolean conditional : new boolean[] {false, true}) {
                    if (!conditional && block.getKey().startsWith("ConditionalAffine")) {
                        continue;
                    }
                    String label = block.getKey() + ", " + layout.name() + (conditional ? ", conditional" : "");
                    out.add(Arguments.of(label, block.getValue().apply(layout.subnet()), layout.in(),
                            conditional ? layout.conditions() : List.of()));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(String label, ModuleSpec spec, Shape in, List<Shape> conditions) {
        // Subnets draw from the process-wide generator: seed it per case, so that each case sees the same
        // weights whichever tests ran before.
        Init.manualSeed(label.hashCode());
        FlowConformance.of(label, spec, List.of(in), conditions).run();
    }
}
