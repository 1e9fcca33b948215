/**
 * Optimizers, gradient clipping and learning-rate schedules, following {@code torch.optim}: {@link
 * dev.jinn.optim.SGD}, {@link dev.jinn.optim.Adam} and {@link dev.jinn.optim.AdamW} with parameter groups
 * ({@link dev.jinn.optim.ParamGroup}) and state dicts that hold only tensors; {@link dev.jinn.optim.GradClip};
 * the schedules {@link dev.jinn.optim.StepLR}, {@link dev.jinn.optim.ExponentialLR},
 * {@link dev.jinn.optim.CosineAnnealingLR}, {@link dev.jinn.optim.LinearWarmup},
 * {@link dev.jinn.optim.SequentialLR} and {@link dev.jinn.optim.ReduceLROnPlateau}.
 *
 * <p>Hyper-parameters are typed: one immutable record per optimizer ({@link dev.jinn.optim.AdamOptions},
 * {@link dev.jinn.optim.SGDOptions}) made by its builder (a {@link dev.jinn.optim.OptimizerBuilder}); a group
 * changes the defaults with a function ({@code o -> o.withLr(1e-4)}), where PyTorch takes per-group keys.
 *
 * <p>Updates follow the operation order of PyTorch 2.x's single-tensor ("for-loop") implementations, computed in
 * each parameter's dtype, and write into the parameter tensors in place (inside {@link
 * dev.jinn.autograd.Grad#disabled()}), so modules keep their parameter objects.
 */
package dev.jinn.optim;
