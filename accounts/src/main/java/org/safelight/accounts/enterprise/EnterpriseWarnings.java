package org.safelight.accounts.enterprise;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * What an operator should hear about an enterprise as it was just set up, without refusing it:
 * a webmail domain (every one of its millions of addresses would be a member: a member list is
 * the way to name people there), and an admin address that no account has, or none has
 * confirmed (nobody can manage the enterprise until someone does). Thread-safe.
 */
public final class EnterpriseWarnings {
    /** Domains where anyone can get an address; the common ones, for a warning, not a rule. */
    static final Set<String> WEBMAIL = Set.of("gmail.com", "googlemail.com", "outlook.com", "hotmail.com",
            "hotmail.co.uk", "live.com", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com",
            "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com",
            "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "fastmail.com", "hey.com",
            "bigpond.com", "orange.fr", "free.fr", "libero.it", "t-online.de");

    private final Jdbi jdbi;

    public EnterpriseWarnings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether anyone can get an address at this (normalized) domain. */
    public static boolean webmail(String domain) {
        return WEBMAIL.contains(domain) || domain.startsWith("yahoo.") || domain.startsWith("hotmail.")
                || domain.startsWith("outlook.") || domain.startsWith("live.");
    }

    /** One line per thing to know about {@code e}; empty when all is well. */
    public List<String> of(Enterprise e) {
        List<String> warnings = new ArrayList<>();
        for (String domain : e.domains()) {
            if (webmail(domain)) {
                warnings.add(domain + " is a webmail domain: every verified " + domain + " address is now a member"
                        + " of " + e.name() + "; to name people there, list them with --members instead");
            }
        }
        Boolean verified = jdbi.withHandle(h -> h.createQuery("SELECT email_verified FROM users WHERE email = :e")
                .bind("e", e.adminEmail()).mapTo(Integer.class).findOne().map(v -> v != 0).orElse(null));
        if (verified == null) {
            warnings.add("no account has the address " + e.adminEmail() + " yet: the admin signs up with it"
                    + " ('safelight signup' or the web app) and confirms it before managing " + e.name());
        } else if (!verified) {
            warnings.add("the account " + e.adminEmail() + " has not confirmed its address yet: its admin can manage "
                    + e.name() + " once it has");
        }
        return warnings;
    }
}
