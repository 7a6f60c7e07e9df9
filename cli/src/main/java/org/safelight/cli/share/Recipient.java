package org.safelight.cli.share;

import java.util.Locale;

/**
 * Where {@code safelight send --to} delivers a report: its cloud link to just the cloud, or by text
 * message or WhatsApp message to a phone number in international form ({@code +} country code and
 * number, 8 to 15 digits; spaces, dots, dashes and brackets are ignored); or the report itself to an
 * institution's endpoint or attached to an email, or its contents filed into a FHIR server. Immutable.
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

    /** An institution's endpoint: the report itself is posted to {@code URL/api/report}. */
    record Endpoint(java.net.URI url) implements Recipient {
        @Override
        public String channel() {
            return "endpoint";
        }

        @Override
        public String address() {
            return url.toString();
        }
    }

    /** An email with the sealed report attached, to a person or an institution's mailbox. */
    record Email(String mailbox) implements Recipient {
        @Override
        public String channel() {
            return "email";
        }

        @Override
        public String address() {
            return mailbox;
        }
    }

    /** The user's own Box or Dropbox (PRO), connected with 'safelight connect'. */
    record Storage(org.safelight.client.storage.StorageProvider provider) implements Recipient {
        @Override
        public String channel() {
            return provider.code();
        }

        @Override
        public String address() {
            return null;
        }
    }

    /** A FHIR server: the report's contents are filed for a patient in the medical record (STU3 or R4). */
    record Fhir(java.net.URI url) implements Recipient {
        @Override
        public String channel() {
            return "fhir";
        }

        @Override
        public String address() {
            return url.toString();
        }
    }

    /** The channel's name as the accounts server records a send: cloud, sms, whatsapp, endpoint, email or fhir. */
    String channel();

    /** Where it goes (phone number, endpoint URL, email address), or null when it only goes to the cloud. */
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
        if (lower.startsWith("endpoint:")) {
            return new Endpoint(endpointUrl(to.substring(9)));
        }
        if (lower.startsWith("email:")) {
            return new Email(org.safelight.client.mail.ReportEmail.address(to.substring(6)).getAddress());
        }
        if (lower.startsWith("fhir:")) {
            return new Fhir(fhirUrl(to.substring(5)));
        }
        if (lower.equals("box") || lower.equals("dropbox")) {
            return new Storage(org.safelight.client.storage.StorageProvider.of(lower).orElseThrow());
        }
        throw new IllegalArgumentException("--to must be 'cloud', 'sms:+NUMBER', 'whatsapp:+NUMBER', 'endpoint:URL',"
                + " 'email:ADDRESS', 'fhir:URL', 'box' or 'dropbox', not '" + to + "'");
    }

    /** An endpoint's http(s) URL without query or fragment. */
    static java.net.URI endpointUrl(String given) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(given.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + given + "' is not a URL: write endpoint:https://host");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + given + "' is not an endpoint's address: write"
                    + " endpoint:https://host[:port][/path]");
        }
        return uri;
    }

    /** A FHIR server's base URL (http or https, no query, fragment or user), without a trailing slash. */
    public static java.net.URI fhirUrl(String given) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(given.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + given + "' is not a URL: write fhir:https://host/fhir");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + given + "' is not a FHIR server's base URL: write"
                    + " fhir:https://host[:port][/path] (the user goes in --fhir-user)");
        }
        String text = uri.toString();
        return text.endsWith("/") ? java.net.URI.create(text.substring(0, text.length() - 1)) : uri;
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
