package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line builds only the command asked for, and still knows them all when asked for help. */
class MainCommandLineTest {
    private static Main main() {
        return new Main(System.in, System.out, Map.of(), Terminal.system());
    }

    @Test
    void a_command_line_that_starts_with_a_command_builds_only_that_command() {
        CommandLine cli = Main.commandLine(main(), "seal");
        assertThat(cli.getSubcommands().keySet()).containsExactly("seal");
    }

    @Test
    void help_an_option_or_an_unknown_word_first_builds_every_command_in_order() {
        for (String first : new String[] {"help", "--version", "sael", null}) {
            CommandLine cli = Main.commandLine(main(), first);
            assertThat(cli.getSubcommands()).as(first).hasSize(Main.SUBCOMMANDS.size());
            assertThat(cli.getSubcommands().keySet()).as(first).startsWith("encrypt", "decrypt", "seal")
                    .endsWith("help");
        }
    }

    @Test
    void the_usage_lists_every_command_when_none_is_given() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("seal", "open", "serve", "trust", "help");
    }

    @Test
    void a_misspelt_command_is_still_refused_with_the_usage_error() {
        Cli.Result r = Cli.run("sael");
        assertThat(r.exitCode()).isEqualTo(2);
    }
}
