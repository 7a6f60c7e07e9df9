package org.safelight.cli;

import picocli.CommandLine;

/** A command that only groups subcommands: called alone, it is a usage error naming them. */
abstract class GroupCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "say one of: " + String.join(", ", spec.subcommands().keySet().stream()
                        .filter(name -> !name.equals("help")).toList()));
    }
}
