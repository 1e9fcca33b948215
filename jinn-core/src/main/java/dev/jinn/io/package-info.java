/**
 * Weights on disk: the safetensors format ({@link dev.jinn.io.SafeTensors}), read with full validation before
 * any tensor is created and written atomically (temporary file, fsync, atomic move): {@link dev.jinn.io.AtomicFile}
 * for a file written in one go, {@link dev.jinn.io.AtomicOutput} for one written as it goes; either kind of write
 * removes the temporary files that killed writers left behind.
 *
 * <p>Problems with a file's contents are reported as {@link dev.jinn.io.SafeTensorsException}, an
 * {@link java.io.IOException} whose message names the file, the tensor and what is wrong. A state dict (tensors by
 * name) that does not fit what it is loaded into is a {@link dev.jinn.io.StateDictException}.
 *
 * <p>Files written by PyTorch's {@code torch.save} are read (and written) by {@link dev.jinn.io.TorchFiles},
 * whose own unpickler accepts an allow-list of globals and never executes anything; refused or broken files are
 * a {@link dev.jinn.io.TorchFileException}.
 */
package dev.jinn.io;
