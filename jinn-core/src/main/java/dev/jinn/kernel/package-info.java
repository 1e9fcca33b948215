/**
 * Raw arithmetic on primitive arrays, below the tensor layer: matrix products ({@link dev.jinn.kernel.Gemm}),
 * dense factorizations and solves of small matrices ({@link dev.jinn.kernel.DenseLinalg}),
 * convolution unfolding ({@link dev.jinn.kernel.Im2col}),
 * special functions ({@link dev.jinn.kernel.SpecialMath}) and fast float32 transcendentals
 * ({@link dev.jinn.kernel.FastMath}). Nothing here knows about shapes or autograd.
 */
package dev.jinn.kernel;
