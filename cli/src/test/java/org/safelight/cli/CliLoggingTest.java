package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliLoggingTest {
    private static String level(String... args) {
        return CliLogging.levels(args).get(CliLogging.ROOT);
    }

    private static String jetty(String... args) {
        return CliLogging.levels(args).get("org.eclipse.jetty");
    }

    @Test
    void serveLogsAtInfoWhateverOptionsComeBeforeTheCommandWord() {
        assertThat(level("serve")).isEqualTo("info");
        assertThat(level("--config", "safelight.conf", "serve")).isEqualTo("info");
        assertThat(level("--config=safelight.conf", "serve")).isEqualTo("info");
        assertThat(jetty("--config", "safelight.conf", "serve")).isEqualTo("warn");
    }

    @Test
    void otherCommandsStayAtWarnAndTheirLibrariesSilent() {
        assertThat(level("seal", "photo.jpg")).isEqualTo("warn");
        assertThat(jetty("seal", "photo.jpg")).isEqualTo("off");
        // a config file named "serve" is a value, not the command
        assertThat(level("--config", "serve", "audit")).isEqualTo("warn");
        assertThat(level()).isEqualTo("warn");
    }

    @Test
    void verboseMakesEveryCommandTalk() {
        assertThat(level("--verbose", "seal")).isEqualTo("info");
        assertThat(jetty("--verbose", "serve")).isEqualTo("info");
    }

    @Test
    void theCommandWordIsTheFirstArgumentThatIsNoOptionNorAnOptionsValue() {
        assertThat(CliLogging.command(new String[] {"--verbose", "serve", "--port", "8080"})).isEqualTo("serve");
        assertThat(CliLogging.command(new String[] {"--config", "f", "serve"})).isEqualTo("serve");
        assertThat(CliLogging.command(new String[] {"--verbose"})).isNull();
    }
}
