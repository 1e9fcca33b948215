package dev.jinn.cli;

import dev.jinn.cli.data.DataException;
import dev.jinn.kernel.Gemm;
import dev.jinn.train.NonFiniteLossException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code jinn} command: train normalizing flows and use them from the shell. Exit codes: 0 success, 1 error
 * (bad data, unreadable files, training failure), 2 usage error (unknown command or option, bad option value).
 * Errors go to standard error as one line, without a stack trace unless {@code --verbose} is given.
 */
@Command(name = "jinn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Invertible neural networks (normalizing flows) on the JVM.%n",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Start with 'jinn demo'; 'jinn <command> --help' describes each command."},
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, ScoreCommand.class,
            InvertCommand.class, InfoCommand.class, ConvertCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    /** Creates the command object (picocli instantiates it). */
    public Main() {
    }

    /** Without a subcommand: a usage error that lists the commands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (demo, train, sample, score, invert, info)");
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(args, out, err));
    }

    /**
     * Runs the command line in this JVM (used by {@link #main} and by tests).
     *
     * @param args the arguments
     * @param out  where normal output goes
     * @param err  where errors go
     * @return the exit code: 0 success, 1 error, 2 usage error
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args2) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + helpHint(c.getCommandSpec()
                    .qualifiedName()));
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> report(ex, c, parsed, err));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int report(Exception ex, CommandLine c, ParseResult parsed, PrintWriter err) {
        boolean verbose = verbose(parsed);
        String who = c.getCommandSpec().qualifiedName();
        int code;
        String message;
        if (ex instanceof IllegalArgumentException && !(ex instanceof DataException)) {
            // Bad option values that only the command itself can judge (an unknown data set, too few dimensions).
            message = ex.getMessage();
            code = CommandLine.ExitCode.USAGE;
        } else if (ex instanceof NoSuchFileException nf) {
            message = (nf.getReason() == null ? "no such file" : nf.getReason()) + ": " + nf.getFile();
            code = CommandLine.ExitCode.SOFTWARE;
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof DataException
                || ex instanceof NonFiniteLossException) {
            message = ex.getMessage();
            code = CommandLine.ExitCode.SOFTWARE;
        } else {
            message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            code = CommandLine.ExitCode.SOFTWARE;
        }
        // Some messages (a state dict's list of mismatches) span lines; an error stays one line of standard error.
        message = String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
        boolean expected = code == CommandLine.ExitCode.USAGE || ex instanceof IOException
                || ex instanceof DataException || ex instanceof NonFiniteLossException;
        String hint = code == CommandLine.ExitCode.USAGE ? helpHint(who)
                : expected || verbose ? "" : " (run with --verbose for the stack trace)";
        err.println(who + ": error: " + message + hint);
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The pointer to a command's help, on the error's own line: every error is one line of standard error. */
    private static String helpHint(String who) {
        return " (see '" + who + " --help')";
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            // The BLAS line tells a user of the distribution whether its OpenBLAS binary loaded on this machine.
            return new String[] {"jinn " + JinnVersion.get(), "Java " + System.getProperty("java.version"),
                "BLAS " + Gemm.backendName()};
        }
    }
}
