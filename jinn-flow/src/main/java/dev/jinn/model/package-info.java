/**
 * jinn's model files: the architecture choices ({@link dev.jinn.model.Architecture},
 * {@link dev.jinn.model.ModelConfig}), the data standardisation and condition encoding a model was trained
 * with ({@link dev.jinn.model.DataTransform}, {@link dev.jinn.model.ConditionEncoding}), and the
 * safetensors file that holds all of them next to the weights ({@link dev.jinn.model.ModelFile}).
 *
 * <p>They live in {@code jinn-flow} rather than the command line so that every driver of a trained model
 * (the CLI, the Spark module, a user's own code) reads and writes the same file in the same way.
 */
package dev.jinn.model;
