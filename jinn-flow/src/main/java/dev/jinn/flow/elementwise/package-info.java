/**
 * Elementwise invertible maps: {@link dev.jinn.flow.elementwise.LearnedElementwiseScaling},
 * {@link dev.jinn.flow.elementwise.InvertibleSigmoid}, and the learned leaky-ReLU-like activations
 * {@link dev.jinn.flow.elementwise.InvAutoActTwoSided}, {@link dev.jinn.flow.elementwise.InvAutoAct} and
 * {@link dev.jinn.flow.elementwise.InvAutoActFixed}
 * (FrEIA's {@code inv_auto_layers.py} and {@code fixed_transforms.py}).
 */
package dev.jinn.flow.elementwise;
