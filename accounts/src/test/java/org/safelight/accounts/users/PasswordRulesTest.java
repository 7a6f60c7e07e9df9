package org.safelight.accounts.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"short", "nine char", "aaaaaaaaaaaa", "abababababab", "abcabcabcabc", "1234567890",
        "0987654321", "qwertyuiop", "asdfghjkl;'", "abcdefghijk", "31415926535", "Password123!", "P@ssw0rd2024",
        "Qwerty12345", "iloveyou!!!", "Hospital2026", "ada.okafor2024", "Okafor123456"})
    void obviously_weak_passwords_are_refused(String password) {
        assertThat(PasswordRules.problem(password, "ada.okafor@example.org", "Ada", "Okafor")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"violet tram harbour 42", "correct horse battery", "x9!k2$Lq7#mZ", "Tuesday-Gravel-88",
        "ночь улица фонарь", "7#9!2@4$6%"})
    void long_or_varied_passwords_pass(String password) {
        assertThat(PasswordRules.problem(password, "ada.okafor@example.org", "Ada", "Okafor")).isEmpty();
    }

    /** Full-width letters and digits, a ligature: what NFKC turns into the weak passwords above. */
    @ParameterizedTest
    @ValueSource(strings = {"\uFF30\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF11\uFF12\uFF13",
        "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19\uFF10", "\uFB00\uFB00\uFB00\uFB00\uFB00\uFB00"})
    void the_rules_judge_the_normalized_password_that_is_hashed(String password) {
        assertThat(PasswordRules.problem(password, "ada@hospital.org", "Ada", "Okafor")).isPresent();
    }
}
