/**
 * Binned spline flows, FrEIA's {@code modules/splines}: one shared bin machinery
 * ({@link dev.jinn.flow.spline.BinnedSpline} with its {@link dev.jinn.flow.spline.BinSettings}) and two maps inside a bin
 * ({@link dev.jinn.flow.spline.RationalQuadraticInterpolation}, {@link dev.jinn.flow.spline.LinearInterpolation}),
 * used by the elementwise block {@link dev.jinn.flow.spline.ElementwiseRationalQuadraticSpline} and the coupling
 * blocks {@link dev.jinn.flow.spline.RationalQuadraticSpline} and {@link dev.jinn.flow.spline.LinearSpline}.
 */
package dev.jinn.flow.spline;
