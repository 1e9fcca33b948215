/**
 * Raw arithmetic on primitive arrays, below the tensor layer: matrix products ({@link dev.jinn.kernel.Gemm}),
 * dense factorizations and solves of small matrices ({@link dev.jinn.kernel.DenseLinalg}),
 * convolution unfolding ({@link dev.jinn.kernel.Im2col}),
 * special functions ({@link dev.jinn.kernel.SpecialMath}) and fast float32 transcendentals
 * ({@link dev.jinn.kernel.FastMath}). Nothing here knows about shapes or autograd.
 *
 * <p>Kernels that exist for both float and double are written out twice, once per primitive type: Java has no
 * generics over primitives, a shared form would box or go through an interface call per element, and a
 * generated copy would hide the loops that are tuned and read most from the sources. A parity test in the test
 * sources finds every such twin by reflection and runs both forms on the same exactly representable inputs, so
 * the two copies cannot drift apart, and a new twin without a parity case fails the build.
 */
package dev.jinn.kernel;
