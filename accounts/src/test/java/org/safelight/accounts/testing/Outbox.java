package org.safelight.accounts.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads the .eml files an {@code OutboxMailer} wrote, as a mail client would. */
public final class Outbox {
    private static final Pattern LINK = Pattern.compile("https?://\\S+");

    private final Path folder;

    public Outbox(Path folder) {
        this.folder = folder;
    }

    /** Every message, oldest first. */
    public List<MimeMessage> messages() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<MimeMessage> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    out.add(new MimeMessage(Session.getInstance(new Properties()), in));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<MimeMessage> messagesTo(String address) {
        return messages().stream().filter(m -> recipient(m).equalsIgnoreCase(address)).toList();
    }

    /**
     * The link in the newest message to {@code address}, waiting up to 30 s for a first one (mail is
     * written after the answer to the request that causes it).
     */
    public String lastLinkTo(String address) {
        List<MimeMessage> mine = awaitMessagesTo(address, 1);
        return linkIn(mine.get(mine.size() - 1));
    }

    /** The messages to {@code address} once there are at least {@code count}, waiting up to 30 s. */
    public List<MimeMessage> awaitMessagesTo(String address, int count) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<MimeMessage> mine = messagesTo(address);
            if (mine.size() >= count) {
                return mine;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(mine.size() + " message(s) to " + address + " after 30 s, expected " + count);
            }
            try {
                Thread.sleep(20); // polling the folder until the condition holds, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public static String linkIn(MimeMessage message) {
        Matcher m = LINK.matcher(body(message));
        if (!m.find()) {
            throw new AssertionError("no link in the message");
        }
        return m.group();
    }

    public static String body(MimeMessage message) {
        try {
            return ((String) message.getContent()).replace("\r\n", "\n");
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String recipient(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
