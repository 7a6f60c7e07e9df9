package org.safelight.accounts.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = PasswordHasher.standard();

    @Test
    void a_hash_is_a_phc_string_with_the_argon2id_cost_and_a_fresh_salt() {
        String a = hasher.hash("violet tram harbour 42");
        String b = hasher.hash("violet tram harbour 42");
        assertThat(a).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void the_right_password_verifies_and_a_wrong_or_a_malformed_hash_does_not() {
        String hash = hasher.hash("violet tram harbour 42");
        assertThat(hasher.verify("violet tram harbour 42", hash)).isTrue();
        assertThat(hasher.verify("violet tram harbour 43", hash)).isFalse();
        assertThat(hasher.verify("violet tram harbour 42", hash.replace("t=2", "t=3"))).isFalse();
        assertThat(hasher.verify("violet tram harbour 42", "$argon2id$v=19$m=19456,t=2,p=1$AAAAA$AAAA")).isFalse();
        assertThat(hasher.verify("violet tram harbour 42", "plain")).isFalse();
    }

    @Test
    void a_password_typed_in_another_unicode_form_still_matches() {
        String composed = "caf\u00e9 au lait 2026";
        String decomposed = "cafe\u0301 au lait 2026";
        assertThat(hasher.verify(decomposed, hasher.hash(composed))).isTrue();
    }

    @Test
    void a_hash_made_with_another_cost_still_verifies_and_asks_to_be_redone() {
        PasswordHasher cheap = new PasswordHasher(new PasswordHasher.Cost(1024, 1, 1), 2);
        String old = cheap.hash("violet tram harbour 42");
        assertThat(hasher.verify("violet tram harbour 42", old)).isTrue();
        assertThat(hasher.needsRehash(old)).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("violet tram harbour 42"))).isFalse();
    }
}
