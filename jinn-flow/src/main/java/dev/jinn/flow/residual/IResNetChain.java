package dev.jinn.flow.residual;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.dist.StandardNormal;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the iResNetLab adapters run: the links become {@link SequenceINN}s built for the incoming sample shape, one
 * per stretch that ends where features are abandoned; the log-dets of the sequences add up to {@code logDet}, the
 * standard-normal log-density of the abandoned features to {@code logP}. Leading axes beyond the batch axis
 * (iResNetLab's {@code (*, dim)}) are folded into the batch for the run.
 */
final class IResNetChain {
    /** A sequence and the link that ends it by abandoning features (null for the last one). */
    private record Segment(SequenceINN inn, Link end) {
    }

    private IResNetChain() {
    }

    /**
     * The iResNetLab forward: {@code (y, logP0 + logP, logDet0 + logDet)}.
     *
     * @param who     the adapter, for messages
     * @param links   the chain
     * @param x       the input, {@code [*, sample...]}
     * @param logP0   {@code [*]}, or null for zeros
     * @param logDet0 {@code [*]}, or null for zeros
     * @return the result, the terms of shape {@code [*]}
     */
    static IResNetResult forward(String who, List<Link> links, Tensor x, Tensor logP0, Tensor logDet0) {
        int[] lead = leading(who, links, x, "input");
        Tensor h = fold(x, lead);
        Tensor logP = accumulated(who, logP0, lead, x, "logP0");
        Tensor logDet = accumulated(who, logDet0, lead, x, "logDet0");
        for (Segment s : segments(links, Shape.ofSample(h))) {
            FlowResult r = s.inn().forward(h);
            h = r.output();
            logDet = logDet.add(r.logDet());
            if (s.end() != null) {
                int kept = h.size(1) - s.end().abandoned();
                Tensor z = h.narrow(1, kept, s.end().abandoned());
                logP = logP.add(new StandardNormal(Shape.ofSample(z)).logProb(z));
                h = h.narrow(1, 0, kept);
            }
        }
        return new IResNetResult(unfold(h, lead), logP.reshape(lead), logDet.reshape(lead));
    }

    /**
     * The iResNetLab inverse; abandoned features are {@code given}, or drawn from the standard normal with the
     * generator of the link that abandoned them.
     *
     * @param who   the adapter, for messages
     * @param links the chain
     * @param y     an output, {@code [*, sample...]}
     * @param given the abandoned features of the chain's only abandoning link, or null to draw them
     * @return the input
     */
    static Tensor inverse(String who, List<Link> links, Tensor y, Tensor given) {
        int[] lead = leading(who, links, y, "output");
        Tensor h = fold(y, lead);
        Shape in = Shape.ofSample(h);
        for (int i = links.size() - 1; i >= 0; i--) {
            in = links.get(i).inputFor().apply(in);
        }
        List<Segment> segments = segments(links, in);
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            if (s.end() != null) {
                Tensor z = given != null ? given : new StandardNormal(s.end().abandoned()).sample(s.end().rng(),
                        h.size(0), h.dtype(), List.of());
                h = Tensor.cat(List.of(h, z.to(h.dtype())), 1);
            }
            h = s.inn().inverse(h).output();
        }
        return unfold(h, lead);
    }

    private static List<Segment> segments(List<Link> links, Shape in) {
        List<Segment> out = new ArrayList<>();
        SequenceINN inn = new SequenceINN(in);
        for (Link link : links) {
            inn.append(link.spec());
            if (link.abandoned() > 0) {
                out.add(new Segment(inn, link));
                Shape full = inn.outputShape();
                inn = new SequenceINN(full.withChannels(full.channels() - link.abandoned()));
            }
        }
        out.add(new Segment(inn, null));
        return out;
    }

    /** The batch axes of {@code t}: all but the sample axes of the chain's first link. */
    private static int[] leading(String who, List<Link> links, Tensor t, String what) {
        int rank = links.isEmpty() ? t.dim() - 1 : links.get(0).sampleRank();
        if (t.dim() < rank + 1) {
            throw new IllegalArgumentException(who + ": expected an " + what + " with a batch axis and " + rank
                    + " sample axes, got shape " + Arrays.toString(t.shape()));
        }
        return Arrays.copyOf(t.shape(), t.dim() - rank);
    }

    private static Tensor fold(Tensor t, int[] lead) {
        if (lead.length == 1) {
            return t;
        }
        int[] s = t.shape();
        int[] folded = Arrays.copyOfRange(s, lead.length - 1, s.length);
        folded[0] = count(lead);
        return t.reshape(folded);
    }

    private static int count(int[] lead) {
        int n = 1;
        for (int d : lead) {
            n *= d;
        }
        return n;
    }

    private static Tensor unfold(Tensor t, int[] lead) {
        if (lead.length == 1) {
            return t;
        }
        int[] s = t.shape();
        int[] full = Arrays.copyOf(lead, lead.length + s.length - 1);
        System.arraycopy(s, 1, full, lead.length, s.length - 1);
        return t.reshape(full);
    }

    /** An accumulated term folded to {@code [B]}, or zeros when {@code given} is null. */
    private static Tensor accumulated(String who, Tensor given, int[] lead, Tensor x, String what) {
        if (given == null) {
            return Tensors.zeros(x.dtype(), count(lead));
        }
        if (!Arrays.equals(given.shape(), lead)) {
            throw new IllegalArgumentException(who + ": " + what + " has shape " + Arrays.toString(given.shape())
                    + ", expected " + Arrays.toString(lead) + " (one value per sample of the input "
                    + Arrays.toString(x.shape()) + ")");
        }
        return lead.length == 1 ? given : given.reshape(-1);
    }
}
