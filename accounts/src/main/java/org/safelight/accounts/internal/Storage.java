package org.safelight.accounts.internal;

import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database work on a request's path whose failure (a full disk, a lost or closed database) is the
 * server's condition, not the client's mistake: answered 503 {@code storage_unavailable} so the
 * client tries again later, as the key server answers when its log cannot be written. Logged by
 * type only.
 */
public final class Storage {
    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private Storage() {
    }

    public static <T> T write(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("{} failed: the accounts database could not be written ({})", what, cause.getClass().getName());
            throw new Refusal(ErrorCode.STORAGE_UNAVAILABLE,
                    "the server could not store this just now; try again later");
        }
    }

    public static void write(String what, Runnable work) {
        write(what, () -> {
            work.run();
            return null;
        });
    }
}
