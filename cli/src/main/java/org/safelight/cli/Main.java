package org.safelight.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code safelight}: the command line. Each subcommand is a {@code Callable<Integer>}; failures are
 * turned into exit codes and one stderr line in {@link Failures}, the only place that does so.
 */
@Command(name = "safelight", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Seal, open and share clinical photo reports (.picsafe).",
        subcommands = {EncryptCommand.class, DecryptCommand.class, SealCommand.class, OpenCommand.class, GetCommand.class,
            InspectCommand.class, SignupCommand.class, LoginCommand.class, LogoutCommand.class,
            WhoamiCommand.class, PasswordCommand.class, KeysCommand.class, ServeCommand.class, AuditCommand.class, AdminCommand.class,
            EnterpriseCommand.class, SendCommand.class, SyncCommand.class, TrustCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    final InputStream stdin;
    final PrintStream stdout;
    final Map<String, String> env;
    final Terminal terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Main(InputStream stdin, PrintStream stdout, Map<String, String> env, Terminal terminal) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.getenv()));
    }

    /** Runs one command line with the given streams and environment; returns the exit code. */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
                          Map<String, String> env) {
        return run(args, stdin, stdout, stderr, env, Terminal.system());
    }

    /** {@link #run(String[], InputStream, PrintStream, PrintStream, Map)} with passwords typed on {@code terminal}. */
    static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
                   Map<String, String> env, Terminal terminal) {
        CommandLine cli = new CommandLine(new Main(stdin, stdout, env, terminal));
        cli.setOut(new PrintWriter(stdout, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(stderr, true, StandardCharsets.UTF_8));
        try {
            cli.getSubcommands().get("serve").setDefaultValueProvider(
                    new org.safelight.cli.serve.EnvironmentDefaults(env, configFile(args)));
        } catch (java.io.IOException e) {
            stderr.println("safelight: the configuration file cannot be read: " + e.getMessage());
            return ExitCode.USAGE;
        }
        cli.setExecutionExceptionHandler(Failures::handleExecution);
        cli.setParameterExceptionHandler(Failures::handleUsage);
        return cli.execute(args);
    }

    /** {@code serve --config FILE}: read before parsing, since its values are the other options' defaults. */
    private static java.nio.file.Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return java.nio.file.Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return java.nio.file.Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"safelight " + (v == null ? "development build" : v)};
        }
    }
}
