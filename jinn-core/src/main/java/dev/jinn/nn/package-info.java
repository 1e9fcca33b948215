/**
 * Neural-network building blocks as in PyTorch's {@code torch.nn}: {@link dev.jinn.nn.Module} with named
 * parameters, buffers, children and state dicts; {@link dev.jinn.nn.Layer}s that map one tensor to another
 * ({@link dev.jinn.nn.Linear}, {@link dev.jinn.nn.Sequential}, {@link dev.jinn.nn.BatchNorm1d},
 * {@link dev.jinn.nn.LayerNorm}, {@link dev.jinn.nn.Dropout}, activations such as {@link dev.jinn.nn.ReLU});
 * and the initialisers of {@link dev.jinn.nn.Init}. Names, defaults, state-dict keys and numerics follow
 * PyTorch, so that ported code and checkpoints behave the same.
 */
package dev.jinn.nn;
