package org.safelight.keys.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {
    @TempDir
    Path dataDir;

    private void write(String name, String content) throws IOException {
        Path file = dataDir.resolve(name);
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, content);
        if (before != null) {
            // Coarse file-system clocks could leave the time unchanged; an operator's edit a second later would not.
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
        }
    }

    @Test
    void star_at_a_domain_covers_that_domain_only_and_a_second_line_covers_its_subdomains() throws IOException {
        write("blacklist", "*\n");
        write("whitelist", "*@hospital.org\n");
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("ada@hospital.org")).isTrue();
        assertThat(policy.allows("ada@ward.hospital.org")).as("subdomains are not included").isFalse();
        assertThat(policy.allows("ada@evilhospital.org")).isFalse();

        write("whitelist", "*@hospital.org\n*@*.hospital.org\n");
        assertThat(policy.allows("ada@hospital.org")).isTrue();
        assertThat(policy.allows("ada@ward.hospital.org")).isTrue();
        assertThat(policy.allows("ada@icu.ward.hospital.org")).isTrue();
        assertThat(policy.allows("ada@evilhospital.org")).as("a dot before the domain keeps look-alikes out").isFalse();
        assertThat(policy.allows("ada@hospital.org.evil.example")).isFalse();
    }

    @Test
    void without_policy_files_everyone_is_welcome() {
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("anyone@anywhere.org")).isTrue();
        assertThat(policy.allows("")).isTrue();
    }

    @Test
    void the_seeds_example_forbids_fred_and_everyone_at_gmail_except_mark() throws IOException {
        write("blacklist", "# blacklist\n*@gmail.com\nfred@smith.com\n");
        write("whitelist", "# whitelist\nmark@gmail.com\n");
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("fred@smith.com")).isFalse();
        assertThat(policy.allows("jane@gmail.com")).isFalse();
        assertThat(policy.allows("mark@gmail.com")).isTrue();
        assertThat(policy.allows("mary@smith.com")).isTrue();
        assertThat(policy.allows("jane@hospital.org")).isTrue();
    }

    @Test
    void blacklisting_everyone_and_whitelisting_the_hospital_lets_in_staff_only() throws IOException {
        write("blacklist", "*\n");
        write("whitelist", "*@myhospital.org\n");
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("nurse@myhospital.org")).isTrue();
        assertThat(policy.allows("someone@gmail.com")).isFalse();
        assertThat(policy.allows("nurse@myhospital.org.attacker.net")).isFalse();
        assertThat(policy.allows("")).isFalse();
    }

    @Test
    void a_whitelist_alone_refuses_no_one() throws IOException {
        write("whitelist", "*@myhospital.org\n");

        assertThat(new AccessPolicy(dataDir).allows("someone@gmail.com")).isTrue();
    }

    @Test
    void matching_ignores_case_surrounding_spaces_blank_lines_and_comments() throws IOException {
        write("blacklist", "\uFEFF# staff only from here\n\n   \n  *@GMAIL.com  \r\n#fred@smith.com\n");
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("Fred@Gmail.COM")).isFalse();
        assertThat(policy.allows(" fred@gmail.com ")).isFalse();
        assertThat(policy.allows("fred@smith.com")).as("a commented-out line").isTrue();
        assertThat(policy.allows("# staff only from here")).isTrue();
    }

    @Test
    void edits_to_the_files_take_effect_without_a_restart() throws IOException {
        AccessPolicy policy = new AccessPolicy(dataDir);
        assertThat(policy.allows("fred@gmail.com")).isTrue();

        write("blacklist", "*@gmail.com\n");
        assertThat(policy.allows("fred@gmail.com")).as("a new blacklist").isFalse();

        write("whitelist", "fred@gmail.com\n");
        assertThat(policy.allows("fred@gmail.com")).as("a new whitelist").isTrue();

        write("whitelist", "mark@gmail.com\n");
        assertThat(policy.allows("fred@gmail.com")).as("an edited whitelist").isFalse();
        assertThat(policy.allows("mark@gmail.com")).isTrue();

        Path staged = dataDir.resolve("whitelist.new");
        Files.writeString(staged, "fred@gmail.com\n");
        Files.move(staged, dataDir.resolve("whitelist"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertThat(policy.allows("fred@gmail.com")).as("a whitelist replaced by renaming").isTrue();

        Files.delete(dataDir.resolve("blacklist"));
        assertThat(policy.allows("jane@gmail.com")).as("a deleted blacklist").isTrue();
    }

    @Test
    void a_blacklist_that_cannot_be_read_refuses_everyone() throws IOException {
        Files.createDirectory(dataDir.resolve("blacklist"));
        write("whitelist", "*@myhospital.org\n");
        AccessPolicy policy = new AccessPolicy(dataDir);

        assertThat(policy.allows("someone@gmail.com")).isFalse();
        assertThat(policy.allows("nurse@myhospital.org")).isTrue();
    }

    @Test
    void a_whitelist_that_cannot_be_read_excepts_no_one() throws IOException {
        write("blacklist", "*\n");
        Files.createDirectory(dataDir.resolve("whitelist"));

        assertThat(new AccessPolicy(dataDir).allows("nurse@myhospital.org")).isFalse();
    }
}
