package dev.jinn.kernel;

import jdk.incubator.vector.FloatVector;
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
}
