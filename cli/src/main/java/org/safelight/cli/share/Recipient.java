package org.safelight.cli.share;

import java.util.Locale;

/**
 * Where {@code safelight send --to} delivers a report's cloud link: just the cloud, or a text
 * message or WhatsApp message to a phone number in international form ({@code +} country code and
 * number, 8 to 15 digits; spaces, dots, dashes and brackets are ignored). Immutable.
 */
public sealed interface Recipient {

    /** Only the link (and the message, for pasting anywhere). */
    record Cloud() implements Recipient {
        @Override
        public String channel() {
            return "cloud";
        }

        @Override
        public String address() {
            return null;
        }
    }

    /** A text message: the {@code sms:} URL opens the phone's messaging app with the message. */
    record Sms(String number) implements Recipient {
        @Override
        public String channel() {
            return "sms";
        }

        @Override
        public String address() {
            return number;
        }
    }

    /** A WhatsApp message: the {@code https://wa.me/} URL opens a chat with the message. */
    record WhatsApp(String number) implements Recipient {
        @Override
        public String channel() {
            return "whatsapp";
        }

        @Override
        public String address() {
            return number;
        }
    }

    /** The channel's name as the accounts server records a send: cloud, sms or whatsapp. */
    String channel();

    /** The phone number the link goes to, or null when it only goes to the cloud. */
    String address();

    /**
     * {@code cloud}, {@code sms:NUMBER} or {@code whatsapp:NUMBER}.
     *
     * @throws IllegalArgumentException with a message for the user when {@code to} is not understood
     */
    static Recipient parse(String to) {
        String lower = to.toLowerCase(Locale.ROOT);
        if (lower.equals("cloud")) {
            return new Cloud();
        }
        if (lower.startsWith("sms:")) {
            return new Sms(phoneNumber(to.substring(4)));
        }
        if (lower.startsWith("whatsapp:")) {
            return new WhatsApp(phoneNumber(to.substring(9)));
        }
        throw new IllegalArgumentException("--to must be 'cloud', 'sms:+NUMBER' or 'whatsapp:+NUMBER', not '" + to
                + "'");
    }

    /** {@code +61 400 123 456} → {@code +61400123456}; refuses anything that is not an international number. */
    static String phoneNumber(String given) {
        String compact = given.replaceAll("[\\s.()\\-]", "");
        if (!compact.matches("\\+[1-9][0-9]{7,14}")) {
            throw new IllegalArgumentException("'" + given + "' is not a phone number in international form:"
                    + " write + and the country code, e.g. sms:+61400123456");
        }
        return compact;
    }
}
