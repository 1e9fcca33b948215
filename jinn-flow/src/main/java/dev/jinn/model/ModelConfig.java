package dev.jinn.model;

import dev.jinn.check.Require;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Init;
import dev.jinn.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to rebuild a command-line model without code: the architecture, its size, the data and
 * condition dimensions and the seed of its random choices. Stored in the model file's metadata
 * ({@code jinn.model.*}); {@link #build()} gives the same network (initial values included) every time.
 *
 * @param architecture  the kind of blocks
 * @param blocks        the number of blocks, &ge; 1
 * @param hidden        the subnets' hidden width, &ge; 1
 * @param dims          the number of data dimensions, &ge; 2
 * @param conditionDims the length of the condition vector, 0 for an unconditional model
 * @param seed          the seed of the initial weights and fixed permutations
 * @param bins          the spline bins of a binned architecture ({@link Architecture#binned()}), else the default
 *                      {@value #DEFAULT_BINS}
 */
public record ModelConfig(Architecture architecture, int blocks, int hidden, int dims, int conditionDims,
        long seed, int bins) {
    /** The bins of a spline architecture when none are given (and in model files written before bins existed). */
    public static final int DEFAULT_BINS = 8;
    private static final String PREFIX = "jinn.model.";

    /**
     * Validates the sizes.
     *
     * @param architecture  the architecture
     * @param blocks        the block count
     * @param hidden        the hidden width
     * @param dims          the data dimensions
     * @param conditionDims the condition dimensions
     * @param seed          the seed
     * @param bins          the spline bins
     */
    public ModelConfig {
        if (architecture == null) {
            throw new IllegalArgumentException("the architecture is missing");
        }
        if (blocks < 1 || blocks > 10_000) {
            throw new IllegalArgumentException("--blocks must be between 1 and 10000, got " + blocks);
        }
        if (hidden < 1 || hidden > 1 << 16) {
            throw new IllegalArgumentException("--hidden must be between 1 and 65536, got " + hidden);
        }
        if (dims < 2) {
            throw new IllegalArgumentException("a flow needs at least 2 data dimensions, got " + dims);
        }
        Require.atLeast(0, conditionDims, "the condition dimensions");
        if (conditionDims > 0 && !architecture.conditional()) {
            throw new IllegalArgumentException("the " + architecture.id() + " architecture takes no condition; use"
                    + " allinone, glow, rnvp, nice, maf, iaf or nsf for conditional data");
        }
        if (bins < 1 || bins > 4096) {
            throw new IllegalArgumentException("--bins must be between 1 and 4096, got " + bins);
        }
    }

    /**
     * A configuration with the default bin count (architectures without splines have no bins).
     *
     * @param architecture  the architecture
     * @param blocks        the block count
     * @param hidden        the hidden width
     * @param dims          the data dimensions
     * @param conditionDims the condition dimensions
     * @param seed          the seed
     */
    public ModelConfig(Architecture architecture, int blocks, int hidden, int dims, int conditionDims, long seed) {
        this(architecture, blocks, hidden, dims, conditionDims, seed, DEFAULT_BINS);
    }

    /**
     * Builds the network: the initial weights come from a default generator seeded with {@link #seed()} for this
     * thread and this call only ({@link Init#withDefaultRng}: the same weights as after
     * {@code Init.manualSeed(seed)}, while the process-wide generator is left alone, so builds on several threads
     * at once are each reproducible), the permutations from a generator seeded with it too.
     *
     * @return the flow, in float32 and training mode
     */
    public SequenceINN build() {
        return Init.withDefaultRng(new Rng(seed), () -> {
            Rng rng = new Rng(seed);
            SequenceINN inn = new SequenceINN(dims);
            for (int k = 0; k < blocks; k++) {
                for (ModuleSpec spec : architecture.block(k, this, rng)) {
                    if (conditionDims > 0 && conditioned(spec)) {
                        inn.append(spec, 0, conditionDims);
                    } else {
                        inn.append(spec);
                    }
                }
            }
            return inn;
        });
    }

    /** Whether a block's module takes the condition (couplings do, permutations do not). */
    private static boolean conditioned(ModuleSpec spec) {
        return !(spec instanceof UnconditionalSpec);
    }

    /**
     * The metadata entries describing this configuration.
     *
     * @return key → value
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "arch", architecture.id());
        m.put(PREFIX + "blocks", Integer.toString(blocks));
        m.put(PREFIX + "hidden", Integer.toString(hidden));
        m.put(PREFIX + "dims", Integer.toString(dims));
        m.put(PREFIX + "condition_dims", Integer.toString(conditionDims));
        m.put(PREFIX + "seed", Long.toString(seed));
        if (architecture.binned()) {
            m.put(PREFIX + "bins", Integer.toString(bins));
        }
        return m;
    }

    /**
     * Reads a configuration from metadata; a file without {@code bins} (written before spline architectures
     * existed) gets the default.
     *
     * @param metadata the metadata of a model file or checkpoint
     * @return the configuration
     * @throws IllegalArgumentException naming the missing or malformed entry
     */
    public static ModelConfig read(Map<String, String> metadata) {
        MetadataEntries entries = new MetadataEntries(metadata, PREFIX);
        return new ModelConfig(Architecture.byId(entries.require("arch")), entries.integer("blocks"),
                entries.integer("hidden"), entries.integer("dims"), entries.integer("condition_dims"),
                entries.longInteger("seed"),
                entries.has("bins") ? entries.integer("bins") : DEFAULT_BINS);
    }

    /**
     * A one-line description, e.g. {@code allinone, 8 blocks, hidden 512, 2 dims} or
     * {@code nsf, 5 blocks, hidden 256, 8 bins, 2 dims}.
     *
     * @return the text
     */
    public String describe() {
        return architecture.id() + ", " + blocks + " blocks, hidden " + hidden
                + (architecture.binned() ? ", " + bins + " bins" : "") + ", " + dims + " dims"
                + (conditionDims > 0 ? ", condition " + conditionDims : "");
    }
}
