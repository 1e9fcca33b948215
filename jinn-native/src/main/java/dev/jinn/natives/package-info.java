/**
 * The opt-in native BLAS: depending on jinn-native puts one platform's OpenBLAS binary on the class path, which
 * jinn-core's GEMM loads by itself; {@link dev.jinn.natives.NativeBlas} tells whether it did.
 */
package dev.jinn.natives;
