package dev.jinn.cli;

import dev.jinn.model.Architecture;
import picocli.CommandLine;

/** Converts {@code --arch} values, so an unknown name is a usage error listing the known ones. */
final class ArchitectureConverter implements CommandLine.ITypeConverter<Architecture> {
    @Override
    public Architecture convert(String value) {
        try {
            return Architecture.byId(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
