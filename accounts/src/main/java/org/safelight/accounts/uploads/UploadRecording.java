package org.safelight.accounts.uploads;

import java.util.Optional;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;

/**
 * Puts an upload on the log with its sender as their account is when it is recorded, never as a
 * sign-in remembered it: a user who confirmed their address after signing in may upload, and a
 * member of an enterprise the operator created after they signed in uploads into that enterprise's
 * listing ({@code sync}). The one way uploads are recorded, for the cloud role in this process and
 * over HTTP ({@link UploadHandlers#record}). Thread-safe.
 */
public final class UploadRecording {
    private final UploadLog log;
    private final UserStore users;
    private final Enterprises enterprises;

    public UploadRecording(UploadLog log, UserStore users, Enterprises enterprises) {
        this.log = log;
        this.users = users;
        this.enterprises = enterprises;
    }

    /**
     * Records {@code proposed} (its report, links, size and times) for the user {@code userId}, taking
     * the sender's email, name and enterprise from their account now.
     *
     * @return the entry as recorded; empty, recording nothing, when the account does not exist or
     *     its address is not confirmed
     */
    public Optional<UploadEntry> record(String userId, UploadEntry proposed) {
        Optional<User> sender = users.findById(userId).filter(User::emailVerified);
        if (sender.isEmpty()) {
            return Optional.empty();
        }
        User u = sender.get();
        String enterprise = enterprises.membershipOf(u.email(), true).map(Membership::enterpriseId).orElse("");
        UploadEntry entry = new UploadEntry(proposed.reportId(), proposed.region(), proposed.name(), proposed.link(),
                proposed.downloadUrl(), u.id(), u.email(), u.name(), enterprise, proposed.size(),
                proposed.uploadedAt(), proposed.expiresAt(), proposed.keyServerUrl());
        log.record(entry);
        return Optional.of(entry);
    }
}
