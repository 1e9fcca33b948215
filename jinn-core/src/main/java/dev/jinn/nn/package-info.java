/**
 * Neural-network building blocks as in PyTorch's {@code torch.nn}: {@link dev.jinn.nn.Module} with named
 * parameters, buffers, children and state dicts; {@link dev.jinn.nn.Layer}s that map one tensor to another.
 */
package dev.jinn.nn;
