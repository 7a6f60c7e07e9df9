package org.safelight.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "Sign out and forget the kept sign-in.")
final class LogoutCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        boolean was = new ClientContext(main).accounts.signout();
        main.stdout.println(was ? "Signed out." : "Not signed in.");
        return ExitCode.OK;
    }
}
