package dev.jinn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectConv}'s forward sum on SIMD registers, register-blocked: four output channels times two vectors of
 * output positions stay in eight accumulators through every (input channel, tap) term, so each multiply-add costs
 * half a load, where the row-update loop it replaces loaded and stored an accumulator row per kernel row. The
 * terms run as one flat loop over precomputed shifts: with the channel and tap loops nested, JDK 17's compiler
 * kept the accumulators as allocated objects. The loop bodies are written out in place: each call level counts
 * towards the JIT's inlining depth, and a vector operation left out of line allocates its result.
 */
final class VectorDirectConv implements DirectConv.Planes {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    /** Instantiated by name from {@link DirectConv}. */
    VectorDirectConv() {
    }

    @Override
    public void forward(int outputs, int[] shifts, int span, float[] pad, float[] w, int wo, float[] acc) {
        // Each block size is a method of its own, so that each compiles as a small loop nest.
        int o = 0;
        for (; o + 4 <= outputs; o += 4) {
            int q = fourOutputs(o, shifts, span, pad, w, wo, acc);
            for (int i = 0; i < 4; i++) {
                tail(o + i, q, shifts, span, pad, w, wo, acc);
            }
        }
        for (; o < outputs; o++) {
            int q = oneOutput(o, shifts, span, pad, w, wo, acc);
            tail(o, q, shifts, span, pad, w, wo, acc);
        }
    }

    /** Outputs {@code o .. o+3} over whole pairs of vectors of positions; returns the first position left. */
    private static int fourOutputs(int o, int[] shifts, int span, float[] pad, float[] w, int wo, float[] acc) {
        int step = FLOATS.length();
        int terms = shifts.length;
        int w0 = wo + o * terms;
        int q = 0;
        for (; q + 2 * step <= span; q += 2 * step) {
            FloatVector a00 = FloatVector.zero(FLOATS);
            FloatVector a01 = FloatVector.zero(FLOATS);
            FloatVector a10 = FloatVector.zero(FLOATS);
            FloatVector a11 = FloatVector.zero(FLOATS);
            FloatVector a20 = FloatVector.zero(FLOATS);
            FloatVector a21 = FloatVector.zero(FLOATS);
            FloatVector a30 = FloatVector.zero(FLOATS);
            FloatVector a31 = FloatVector.zero(FLOATS);
            for (int t = 0; t < terms; t++) {
                int at = q + shifts[t];
                FloatVector x0 = FloatVector.fromArray(FLOATS, pad, at);
                FloatVector x1 = FloatVector.fromArray(FLOATS, pad, at + step);
                FloatVector b0 = FloatVector.broadcast(FLOATS, w[w0 + t]);
                FloatVector b1 = FloatVector.broadcast(FLOATS, w[w0 + terms + t]);
                FloatVector b2 = FloatVector.broadcast(FLOATS, w[w0 + 2 * terms + t]);
                FloatVector b3 = FloatVector.broadcast(FLOATS, w[w0 + 3 * terms + t]);
                a00 = b0.fma(x0, a00);
                a01 = b0.fma(x1, a01);
                a10 = b1.fma(x0, a10);
                a11 = b1.fma(x1, a11);
                a20 = b2.fma(x0, a20);
                a21 = b2.fma(x1, a21);
                a30 = b3.fma(x0, a30);
                a31 = b3.fma(x1, a31);
            }
            int c0 = o * span + q;
            a00.intoArray(acc, c0);
            a01.intoArray(acc, c0 + step);
            a10.intoArray(acc, c0 + span);
            a11.intoArray(acc, c0 + span + step);
            a20.intoArray(acc, c0 + 2 * span);
            a21.intoArray(acc, c0 + 2 * span + step);
            a30.intoArray(acc, c0 + 3 * span);
            a31.intoArray(acc, c0 + 3 * span + step);
        }
        return q;
    }

    /** Output {@code o} over whole pairs of vectors of positions; returns the first position left. */
    private static int oneOutput(int o, int[] shifts, int span, float[] pad, float[] w, int wo, float[] acc) {
        int step = FLOATS.length();
        int terms = shifts.length;
        int w0 = wo + o * terms;
        int q = 0;
        for (; q + 2 * step <= span; q += 2 * step) {
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector a1 = FloatVector.zero(FLOATS);
            for (int t = 0; t < terms; t++) {
                int at = q + shifts[t];
                FloatVector b = FloatVector.broadcast(FLOATS, w[w0 + t]);
                a0 = b.fma(FloatVector.fromArray(FLOATS, pad, at), a0);
                a1 = b.fma(FloatVector.fromArray(FLOATS, pad, at + step), a1);
            }
            a0.intoArray(acc, o * span + q);
            a1.intoArray(acc, o * span + q + step);
        }
        return q;
    }

    /** The positions {@code [q, span)} of output {@code o}, one at a time, in the vector loops' order of terms. */
    private static void tail(int o, int q, int[] shifts, int span, float[] pad, float[] w, int wo, float[] acc) {
        int terms = shifts.length;
        int w0 = wo + o * terms;
        for (int p = q; p < span; p++) {
            float s = 0f;
            for (int t = 0; t < terms; t++) {
                s = Math.fma(w[w0 + t], pad[p + shifts[t]], s);
            }
            acc[o * span + p] = s;
        }
    }

    @Override
    public void weightSums(int outputs, int[] shifts, int length, float[] g, int gRow, float[] pad, float[] gw,
            int gwo, int gwRow) {
        int terms = shifts.length;
        int o = 0;
        for (; o + 4 <= outputs; o += 4) {
            int t = 0;
            for (; t + 3 <= terms; t += 3) {
                fourByThree(o, t, shifts, length, g, gRow, pad, gw, gwo, gwRow);
            }
            for (; t < terms; t++) {
                for (int i = 0; i < 4; i++) {
                    gw[gwo + (o + i) * gwRow + t] = oneByOne((o + i) * gRow, shifts[t], length, g, pad);
                }
            }
        }
        for (; o < outputs; o++) {
            int t = 0;
            for (; t + 3 <= terms; t += 3) {
                oneByThree(o, t, shifts, length, g, gRow, pad, gw, gwo, gwRow);
            }
            for (; t < terms; t++) {
                gw[gwo + o * gwRow + t] = oneByOne(o * gRow, shifts[t], length, g, pad);
            }
        }
    }

    /** Output {@code o} by terms {@code t .. t+2}: three sums, four loads per three multiply-adds. */
    private static void oneByThree(int o, int t, int[] shifts, int length, float[] g, int gRow, float[] pad,
            float[] gw, int gwo, int gwRow) {
        int step = FLOATS.length();
        int bound = FLOATS.loopBound(length);
        int s0 = shifts[t];
        int s1 = shifts[t + 1];
        int s2 = shifts[t + 2];
        int go = o * gRow;
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = FloatVector.zero(FLOATS);
        FloatVector a2 = FloatVector.zero(FLOATS);
        for (int j = 0; j < bound; j += step) {
            FloatVector gv = FloatVector.fromArray(FLOATS, g, go + j);
            a0 = gv.fma(FloatVector.fromArray(FLOATS, pad, j + s0), a0);
            a1 = gv.fma(FloatVector.fromArray(FLOATS, pad, j + s1), a1);
            a2 = gv.fma(FloatVector.fromArray(FLOATS, pad, j + s2), a2);
        }
        int r = gwo + o * gwRow + t;
        gw[r] = a0.reduceLanes(VectorOperators.ADD) + tail(go, s0, bound, length, g, pad);
        gw[r + 1] = a1.reduceLanes(VectorOperators.ADD) + tail(go, s1, bound, length, g, pad);
        gw[r + 2] = a2.reduceLanes(VectorOperators.ADD) + tail(go, s2, bound, length, g, pad);
    }

    /**
     * Outputs {@code o .. o+3} by terms {@code t .. t+2}: twelve sums in registers, seven loads per twelve
     * multiply-adds. One flat loop, as in the forward sum.
     */
    private static void fourByThree(int o, int t, int[] shifts, int length, float[] g, int gRow, float[] pad,
            float[] gw, int gwo, int gwRow) {
        int step = FLOATS.length();
        int bound = FLOATS.loopBound(length);
        int s0 = shifts[t];
        int s1 = shifts[t + 1];
        int s2 = shifts[t + 2];
        int g0o = o * gRow;
        FloatVector a00 = FloatVector.zero(FLOATS);
        FloatVector a01 = FloatVector.zero(FLOATS);
        FloatVector a02 = FloatVector.zero(FLOATS);
        FloatVector a10 = FloatVector.zero(FLOATS);
        FloatVector a11 = FloatVector.zero(FLOATS);
        FloatVector a12 = FloatVector.zero(FLOATS);
        FloatVector a20 = FloatVector.zero(FLOATS);
        FloatVector a21 = FloatVector.zero(FLOATS);
        FloatVector a22 = FloatVector.zero(FLOATS);
        FloatVector a30 = FloatVector.zero(FLOATS);
        FloatVector a31 = FloatVector.zero(FLOATS);
        FloatVector a32 = FloatVector.zero(FLOATS);
        for (int j = 0; j < bound; j += step) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, pad, j + s0);
            FloatVector x1 = FloatVector.fromArray(FLOATS, pad, j + s1);
            FloatVector x2 = FloatVector.fromArray(FLOATS, pad, j + s2);
            FloatVector g0 = FloatVector.fromArray(FLOATS, g, g0o + j);
            FloatVector g1 = FloatVector.fromArray(FLOATS, g, g0o + gRow + j);
            FloatVector g2 = FloatVector.fromArray(FLOATS, g, g0o + 2 * gRow + j);
            FloatVector g3 = FloatVector.fromArray(FLOATS, g, g0o + 3 * gRow + j);
            a00 = g0.fma(x0, a00);
            a01 = g0.fma(x1, a01);
            a02 = g0.fma(x2, a02);
            a10 = g1.fma(x0, a10);
            a11 = g1.fma(x1, a11);
            a12 = g1.fma(x2, a12);
            a20 = g2.fma(x0, a20);
            a21 = g2.fma(x1, a21);
            a22 = g2.fma(x2, a22);
            a30 = g3.fma(x0, a30);
            a31 = g3.fma(x1, a31);
            a32 = g3.fma(x2, a32);
        }
        int r = gwo + o * gwRow + t;
        gw[r] = a00.reduceLanes(VectorOperators.ADD) + tail(g0o, s0, bound, length, g, pad);
        gw[r + 1] = a01.reduceLanes(VectorOperators.ADD) + tail(g0o, s1, bound, length, g, pad);
        gw[r + 2] = a02.reduceLanes(VectorOperators.ADD) + tail(g0o, s2, bound, length, g, pad);
        r += gwRow;
        gw[r] = a10.reduceLanes(VectorOperators.ADD) + tail(g0o + gRow, s0, bound, length, g, pad);
        gw[r + 1] = a11.reduceLanes(VectorOperators.ADD) + tail(g0o + gRow, s1, bound, length, g, pad);
        gw[r + 2] = a12.reduceLanes(VectorOperators.ADD) + tail(g0o + gRow, s2, bound, length, g, pad);
        r += gwRow;
        gw[r] = a20.reduceLanes(VectorOperators.ADD) + tail(g0o + 2 * gRow, s0, bound, length, g, pad);
        gw[r + 1] = a21.reduceLanes(VectorOperators.ADD) + tail(g0o + 2 * gRow, s1, bound, length, g, pad);
        gw[r + 2] = a22.reduceLanes(VectorOperators.ADD) + tail(g0o + 2 * gRow, s2, bound, length, g, pad);
        r += gwRow;
        gw[r] = a30.reduceLanes(VectorOperators.ADD) + tail(g0o + 3 * gRow, s0, bound, length, g, pad);
        gw[r + 1] = a31.reduceLanes(VectorOperators.ADD) + tail(g0o + 3 * gRow, s1, bound, length, g, pad);
        gw[r + 2] = a32.reduceLanes(VectorOperators.ADD) + tail(g0o + 3 * gRow, s2, bound, length, g, pad);
    }

    /** One output (its row of g from {@code go}) by one term. */
    private static float oneByOne(int go, int shift, int length, float[] g, float[] pad) {
        int step = FLOATS.length();
        int bound = FLOATS.loopBound(length);
        FloatVector a = FloatVector.zero(FLOATS);
        for (int j = 0; j < bound; j += step) {
            a = FloatVector.fromArray(FLOATS, g, go + j).fma(FloatVector.fromArray(FLOATS, pad, j + shift), a);
        }
        return a.reduceLanes(VectorOperators.ADD) + tail(go, shift, bound, length, g, pad);
    }

    /** {@code Σ g[go + j]·pad[j + shift]} over the positions {@code [from, length)} after the last whole vector. */
    private static float tail(int go, int shift, int from, int length, float[] g, float[] pad) {
        float s = 0f;
        for (int j = from; j < length; j++) {
            s = Math.fma(g[go + j], pad[j + shift], s);
        }
        return s;
    }
}
