package org.safelight.cli.backup;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pg_dump} and {@code pg_restore} lines an operator runs for a PostgreSQL database, from
 * the server's JDBC URL: host, port, database and user, never a password (pg_dump reads it from
 * {@code PGPASSWORD} or {@code ~/.pgpass}).
 */
public final class PgDumpCommand {
    private final String host;
    private final String port;
    private final String database;
    private final String user;

    private PgDumpCommand(String host, String port, String database, String user) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
    }

    /** @param user the --database-user given, or null (then the URL's {@code user} parameter, if any) */
    public static PgDumpCommand of(String jdbcUrl, String user) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String fromUrl = null;
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.startsWith("user=")) {
                    fromUrl = java.net.URLDecoder.decode(pair.substring(5), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new PgDumpCommand(uri.getHost(), uri.getPort() < 0 ? null : Integer.toString(uri.getPort()),
                path.isEmpty() ? null : path, user != null && !user.isBlank() ? user : fromUrl);
    }

    /** {@code pg_dump --format=custom --file=FILE --host=H --port=P --username=U DB}. */
    public String dump(String file) {
        List<String> words = new ArrayList<>(List.of("pg_dump", "--format=custom", "--file=" + quote(file)));
        words.addAll(connection());
        return String.join(" ", words);
    }

    /** {@code pg_restore --dbname=DB ... FILE} into an empty database the restored server will use. */
    public String restore(String file) {
        List<String> words = new ArrayList<>(List.of("pg_restore", "--no-owner", "--exit-on-error"));
        words.addAll(connection());
        words.add(quote(file));
        return String.join(" ", words);
    }

    private List<String> connection() {
        List<String> words = new ArrayList<>();
        if (host != null) {
            words.add("--host=" + quote(host));
        }
        if (port != null) {
            words.add("--port=" + port);
        }
        if (user != null) {
            words.add("--username=" + quote(user));
        }
        words.add("--dbname=" + quote(database == null ? "DATABASE" : database));
        return words;
    }

    private static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
