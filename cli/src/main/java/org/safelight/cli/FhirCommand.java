package org.safelight.cli;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import org.safelight.cli.share.Recipient;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirException;
import org.safelight.client.fhir.FhirPractitioner;
import org.safelight.client.fhir.FhirResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safelight fhir ...}: looking at a FHIR server before sending to it. */
@Command(name = "fhir", mixinStandardHelpOptions = true,
        description = "Look at a FHIR server before 'safelight send FILE --to fhir:URL'.",
        subcommands = FhirCommand.Practitioners.class)
final class FhirCommand implements Runnable {
    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: practitioners");
    }

    @Command(name = "practitioners", mixinStandardHelpOptions = true,
            description = {"List the FHIR server's practitioners (GET /Practitioner), numbered, with their references:"
                + " the one that is you goes in 'send --to fhir:URL --practitioner Practitioner/ID'."})
    static final class Practitioners implements Callable<Integer> {
        @ParentCommand
        FhirCommand parent;

        @Parameters(index = "0", paramLabel = "URL", description = "The FHIR server's base URL.")
        String url;

        @Mixin
        FhirServerOptions server = new FhirServerOptions();

        @Option(names = "--allow-plain-http",
                description = "Also talk to a FHIR server on another computer over plain http (testing only).")
        boolean allowPlainHttp;

        @Override
        public Integer call() throws Exception {
            URI base;
            try {
                base = Recipient.fhirUrl(url);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException(e.getMessage());
            }
            Main main = parent.main;
            FhirClient client = server.connect(base, allowPlainHttp, main.env, main.terminal);
            FhirResults<FhirPractitioner> all;
            try {
                all = client.practitioners(Map.of());
            } catch (FhirException e) {
                return FhirFailures.report(parent.spec.commandLine().getErr(), base, e);
            }
            if (all.isEmpty()) {
                main.stdout.println("The FHIR server " + base + " lists no practitioners.");
                return ExitCode.OK;
            }
            new FhirChoices(Questions.of(main)).listPractitioners(all);
            if (all.truncated()) {
                main.stdout.println("(the first " + all.size() + " only)");
            }
            return ExitCode.OK;
        }
    }
}
