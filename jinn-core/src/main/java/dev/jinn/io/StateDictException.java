package dev.jinn.io;

import java.util.List;

/**
 * A state dict that does not fit a module, an optimizer or a schedule: every missing, unexpected and mismatched
 * entry is listed at once, and the target is left unchanged.
 *
 * <p>It lives in {@code dev.jinn.io}, the lowest of the {@code nn}/{@code optim}/{@code io} layer, because
 * modules ({@code nn}) and optimizers ({@code optim}) both throw it and neither may import the other.
 */
public final class StateDictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Keys the module has and the dict lacks. */
    private final List<String> missing;
    /** Keys the dict has and the module lacks. */
    private final List<String> unexpected;
    /** Keys whose shapes differ, with both shapes. */
    private final List<String> mismatched;

    /**
     * Creates the exception.
     *
     * @param module     the module's name, for the message
     * @param missing    keys the module has and the dict lacks
     * @param unexpected keys the dict has and the module lacks
     * @param mismatched descriptions of keys whose shapes differ ({@code key: expected [..], got [..]})
     */
    public StateDictException(String module, List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(message(module, missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String message(String module, List<String> missing, List<String> unexpected,
            List<String> mismatched) {
        StringBuilder sb = new StringBuilder("loadStateDict(" + module + "): the state dict does not fit; nothing was loaded");
        if (!missing.isEmpty()) {
            sb.append("\n  missing keys: ").append(String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
        }
        if (!mismatched.isEmpty()) {
            sb.append("\n  shape mismatches: ").append(String.join("; ", mismatched));
        }
        return sb.toString();
    }

    /**
     * Keys the module has and the dict lacks.
     *
     * @return the missing keys
     */
    public List<String> missing() {
        return missing;
    }

    /**
     * Keys the dict has and the module lacks.
     *
     * @return the unexpected keys
     */
    public List<String> unexpected() {
        return unexpected;
    }

    /**
     * Keys whose shapes differ, each as {@code key: expected [..], got [..]}.
     *
     * @return the mismatches
     */
    public List<String> mismatched() {
        return mismatched;
    }
}
