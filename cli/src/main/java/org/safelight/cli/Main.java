package org.safelight.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.safelight.cli.serve.EnvironmentDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code safelight}: the command line. Each subcommand is a {@code Callable<Integer>}; failures are
 * turned into exit codes and one stderr line in {@link Failures}, the only place that does so.
 */
@Command(name = "safelight", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Seal, open and share clinical photo reports (.picsafe).")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. Not in the {@code @Command} annotation: picocli would
     * build every command's model by reflection on each start (most of a one-shot command's start-up);
     * {@link #commandLine} builds only the one asked for.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(EncryptCommand.class, DecryptCommand.class, SealCommand.class,
            OpenCommand.class, GetCommand.class, InspectCommand.class, SignupCommand.class, LoginCommand.class,
            LogoutCommand.class, WhoamiCommand.class, PasswordCommand.class, KeysCommand.class, ServeCommand.class,
            AuditCommand.class, BackupCommand.class, RestoreCommand.class, AdminCommand.class, EnterpriseCommand.class,
            EndpointCommand.class, ConnectCommand.class, SendCommand.class, FhirCommand.class, SyncCommand.class,
            TrustCommand.class, CommandLine.HelpCommand.class);

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
        CliLogging.configure(args);
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
        // serve and the operator commands on its host read one configuration: flags, SAFELIGHT_*, --config FILE;
        // the other commands never read it (a server's SAFELIGHT_CONFIG must not stop a user's 'seal')
        List<String> operator = List.of("serve", "audit", "admin", "backup");
        boolean operating = args.length > 0 && operator.contains(args[0]);
        // an operator command's configuration takes serve's options: those commands build them all
        CommandLine cli = commandLine(new Main(stdin, stdout, env, terminal),
                operating || args.length == 0 ? null : args[0]);
        cli.setOut(new PrintWriter(stdout, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(stderr, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(Failures::handleExecution);
        cli.setParameterExceptionHandler(Failures::handleUsage);
        if (operating) {
            try {
                EnvironmentDefaults defaults = new EnvironmentDefaults(env, configFile(args),
                        serveOptions(cli.getSubcommands().get("serve")));
                defaults.refuseUnknownKeys();
                for (String command : operator) {
                    cli.getSubcommands().get(command).setDefaultValueProvider(defaults);
                }
            } catch (java.io.IOException e) {
                stderr.println("safelight: the configuration file cannot be read: " + e.getMessage());
                return ExitCode.USAGE;
            } catch (EnvironmentDefaults.UnknownKeyException e) {
                stderr.println("safelight: " + e.getMessage());
                return ExitCode.USAGE;
            }
        }
        return cli.execute(args);
    }

    /**
     * The command line of {@code main} with only the subcommand named {@code first}, when the arguments start with
     * one (help excepted, it lists them all), else with all: the same parsing, messages and help either way.
     */
    static CommandLine commandLine(Main main, String first) {
        CommandLine cli = new CommandLine(main);
        for (Class<?> command : SUBCOMMANDS) {
            String name = command.getAnnotation(Command.class).name();
            if (name.equals(first) && !name.equals("help")) {
                return cli.addSubcommand(command);
            }
        }
        SUBCOMMANDS.forEach(cli::addSubcommand);
        return cli;
    }

    /** The long names of serve's options without dashes: the keys a configuration file may hold. */
    private static Set<String> serveOptions(CommandLine serve) {
        Set<String> names = new TreeSet<>();
        for (CommandLine.Model.OptionSpec option : serve.getCommandSpec().options()) {
            String name = option.longestName().replaceFirst("^-+", "");
            if (!Set.of("config", "help", "version", "verbose").contains(name)) {
                names.add(name);
            }
        }
        return names;
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

    /** "safelight VERSION (commit C)", from the build.properties the build writes (see cli/pom.xml). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.Properties build = new java.util.Properties();
            try (InputStream in = Main.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    build.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // an unreadable resource is the same as none
            }
            return new String[] {line(build.getProperty("version"), build.getProperty("commit"))};
        }

        static String line(String version, String commit) {
            String v = version == null || version.isBlank() ? "development build" : version.strip();
            String c = commit == null || commit.isBlank() || commit.contains("${") ? "unknown commit"
                    : commit.strip().equals("unknown commit") ? "unknown commit" : "commit " + commit.strip();
            return "safelight " + v + " (" + c + ")";
        }
    }
}
