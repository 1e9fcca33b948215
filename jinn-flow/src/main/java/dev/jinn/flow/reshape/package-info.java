/**
 * Shape-changing invertible modules, FrEIA's {@code reshapes.py}: the 2×2 patch regroupings
 * {@link dev.jinn.flow.reshape.IRevNetDownsampling} / {@link dev.jinn.flow.reshape.IRevNetUpsampling} and the Haar
 * wavelet pair {@link dev.jinn.flow.reshape.HaarDownsampling} / {@link dev.jinn.flow.reshape.HaarUpsampling}, and
 * the plain {@link dev.jinn.flow.reshape.Flatten} and {@link dev.jinn.flow.reshape.Reshape}; and iResNetLab's
 * pixel (un)shuffle by any factor, {@link dev.jinn.flow.reshape.PixelShuffle}.
 */
package dev.jinn.flow.reshape;
