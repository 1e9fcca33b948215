package dev.jinn.flow.freia;

import dev.jinn.flow.AbstractNode;
import dev.jinn.flow.ConditionNode;
import dev.jinn.flow.GraphINN;
import dev.jinn.flow.InputNode;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Node;
import dev.jinn.flow.NodeOutput;
import dev.jinn.flow.OutputNode;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.coupling.CouplingBlockBuilder;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.coupling.GlobalAffineType;
import dev.jinn.flow.coupling.NICECouplingBlock;
import dev.jinn.flow.coupling.RNVPCouplingBlock;
import dev.jinn.flow.elementwise.InvAutoAct;
import dev.jinn.flow.elementwise.InvAutoActFixed;
import dev.jinn.flow.elementwise.InvAutoActTwoSided;
import dev.jinn.flow.freia.FreiaFixture.Meta;
import dev.jinn.flow.invauto.InvAutoConv2D;
import dev.jinn.flow.invauto.InvAutoFC;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.flow.reshape.Flatten;
import dev.jinn.flow.reshape.HaarDownsampling;
import dev.jinn.flow.reshape.IRevNetDownsampling;
import dev.jinn.flow.topology.Concat;
import dev.jinn.flow.topology.Split;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the jinn equivalent of a FrEIA model from a fixture's architecture description: FrEIA's class names
 * and constructor arguments mapped to jinn's builders, one case per class.
 */
final class FreiaModels {
    private FreiaModels() {
    }

    /** A SequenceINN description: {@code dims}, {@code modules[]} with {@code class}, {@code args}, {@code cond}. */
    static SequenceINN sequence(Meta arch) {
        SequenceINN inn = new SequenceINN(arch.ints("dims"));
        for (Meta module : arch.list("modules")) {
            ModuleSpec spec = spec(module);
            if (module.has("cond")) {
                inn.append(spec, module.integer("cond"), module.ints("cond_shape"));
            } else {
                inn.append(spec);
            }
        }
        return inn;
    }

    /**
     * A GraphINN description: {@code nodes[]} (InputNode, ConditionNode, Node, OutputNode with their names,
     * {@code dims}, {@code inputs} and {@code conditions} as {@code [name, output index]}), in FrEIA's node-list
     * order, which fixes the order of inputs, conditions and outputs.
     */
    static GraphINN graph(Meta arch) {
        Map<String, AbstractNode> byName = new HashMap<>();
        List<AbstractNode> nodes = new ArrayList<>();
        for (Meta n : arch.list("nodes")) {
            String name = n.string("name");
            AbstractNode node = switch (n.string("type")) {
                case "InputNode" -> new InputNode(n.ints("dims")).named(name);
                case "ConditionNode" -> new ConditionNode(n.ints("dims")).named(name);
                case "Node" -> new Node(connections(byName, n, "inputs"), spec(n), connections(byName, n, "conditions"))
                        .named(name);
                case "OutputNode" -> new OutputNode(connections(byName, n, "inputs").get(0)).named(name);
                default -> throw new IllegalArgumentException("unknown node type in " + n);
            };
            byName.put(name, node);
            nodes.add(node);
        }
        return new GraphINN(nodes);
    }

    private static List<NodeOutput> connections(Map<String, AbstractNode> byName, Meta node, String key) {
        List<NodeOutput> out = new ArrayList<>();
        for (Meta ref : node.list(key)) {
            List<Meta> pair = ref.list();
            out.add(byName.get(pair.get(0).asString()).out(pair.get(1).asInt()));
        }
        return out;
    }

    /**
     * FrEIA's graph state dict with each node's {@code module_list} index (FrEIA's, from a set iteration) replaced
     * by the index jinn's GraphINN gives the node (its position among the nodes with a module, in forward order).
     */
    static Map<String, Tensor> graphState(FreiaFixture fixture, GraphINN graph) {
        Map<String, Integer> jinnIndex = new HashMap<>();
        for (AbstractNode node : graph.forwardOrder()) {
            if (node.module() != null) {
                jinnIndex.put(node.name(), jinnIndex.size());
            }
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Meta n : fixture.architecture().list("nodes")) {
            if (n.has("state_prefix")) {
                String prefix = "module_list." + jinnIndex.get(n.string("name")) + ".";
                fixture.state(n.string("state_prefix")).forEach((k, v) -> state.put(prefix + k, v));
            }
        }
        return state;
    }

    /** One module: {@code class}, {@code args} and, for couplings, {@code subnet}. */
    static ModuleSpec spec(Meta module) {
        String cls = module.string("class");
        Meta args = module.get("args");
        return switch (cls) {
            case "AllInOneBlock" -> AllInOneBlock.builder()
                    .subnet(subnet(module.get("subnet")))
                    .affineClamping(args.number("affine_clamping"))
                    .ginBlock(args.bool("gin_block"))
                    .globalAffineInit(args.number("global_affine_init"))
                    .globalAffineType(GlobalAffineType.valueOf(args.string("global_affine_type")))
                    .permuteSoft(args.bool("permute_soft"))
                    .learnedHouseholderPermutation(args.integer("learned_householder_permutation"))
                    .reversePermutation(args.bool("reverse_permutation"));
            case "GLOWCouplingBlock" -> splitLen(GLOWCouplingBlock.builder()
                    .subnet(subnet(module.get("subnet")))
                    .clamp(args.number("clamp"))
                    .clampActivation(args.string("clamp_activation")), args);
            case "RNVPCouplingBlock" -> splitLen(RNVPCouplingBlock.builder()
                    .subnet(subnet(module.get("subnet")))
                    .clamp(args.number("clamp"))
                    .clampActivation(args.string("clamp_activation")), args);
            case "NICECouplingBlock" -> splitLen(NICECouplingBlock.builder()
                    .subnet(subnet(module.get("subnet"))), args);
            case "PermuteRandom" -> PermuteRandom.seed(args.integer("seed"));
            // The fixture's state dict carries the data-dependent initialisation (is_initialized = true).
            case "ActNorm" -> ActNorm.spec();
            case "HaarDownsampling" -> HaarDownsampling.spec(args.bool("order_by_wavelet"), args.number("rebalance"));
            case "IRevNetDownsampling" -> IRevNetDownsampling.spec(args.bool("legacy_backend"));
            case "Flatten" -> Flatten.spec();
            // The state dicts carry FrEIA's weights; the generator only fixes the shapes.
            case "InvAutoFC" -> InvAutoFC.spec(args.has("dims_out") ? args.integer("dims_out") : 0, new Rng(0));
            case "InvAutoConv2D" -> InvAutoConv2D.spec(args.has("dims_out") ? args.ints("dims_out")[0] : 0,
                    args.integer("kernel_size"), args.integer("padding"), new Rng(0));
            case "InvAutoAct" -> InvAutoAct.spec(args.number("slope_init"), args.bool("learnable"));
            case "InvAutoActFixed" -> InvAutoActFixed.spec(args.number("slope_init"));
            case "InvAutoActTwoSided" -> InvAutoActTwoSided.spec(args.number("init_pos"), args.number("init_neg"),
                    args.bool("learnable"));
            case "Split" -> split(args);
            case "Concat" -> Concat.dim(args.integer("dim"));
            default -> throw new IllegalArgumentException("no jinn equivalent mapped for FrEIA's " + cls);
        };
    }

    /** FrEIA's {@code Split(section_sizes, n_sections, dim)}: sizes (a list, or an int split point) win. */
    private static ModuleSpec split(Meta args) {
        int dim = args.integer("dim");
        if (!args.has("section_sizes")) {
            return Split.nSections(args.integer("n_sections")).dim(dim);
        }
        Meta sizes = args.get("section_sizes");
        return sizes.isList() ? Split.sections(args.ints("section_sizes")).dim(dim) : Split.at(sizes.asInt()).dim(dim);
    }

    /** FrEIA's {@code split_len}: a Python int is a channel count, a float a fraction (rounded half to even). */
    private static <B extends CouplingBlockBuilder<B>> B splitLen(B builder, Meta args) {
        Meta split = args.get("split_len");
        return split.isInteger() ? builder.splitLen(split.asInt()) : builder.splitLen(split.asDouble());
    }

    /** The subnet description written by the generator: {@code mlp} (hidden widths) or {@code conv}. */
    static SubnetConstructor subnet(Meta subnet) {
        return switch (subnet.string("type")) {
            case "mlp" -> Subnets.mlp(subnet.ints("hidden"));
            case "conv" -> Subnets.conv(subnet.integer("hidden"), subnet.integer("kernel"));
            default -> throw new IllegalArgumentException("unknown subnet " + subnet);
        };
    }
}
