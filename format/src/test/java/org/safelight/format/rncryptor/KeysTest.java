package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class KeysTest {
    private static final Secret PASSWORD = Secret.password("correct horse");
    private final Header header = Header.random(PASSWORD, new SecureRandom());

    @Test
    void both_password_keys_are_the_pbkdf2_of_their_own_salt() {
        byte[][] keys = Keys.derive(header, PASSWORD);

        byte[] password = "correct horse".getBytes(StandardCharsets.UTF_8);
        assertThat(keys[0]).isEqualTo(Keys.pbkdf2(password, header.encryptionSalt(), RNCryptor.PBKDF2_ITERATIONS, 32));
        assertThat(keys[1]).isEqualTo(Keys.pbkdf2(password, header.hmacSalt(), RNCryptor.PBKDF2_ITERATIONS, 32));
    }

    @Test
    void an_error_on_the_second_thread_is_thrown_to_the_caller_as_it_was() {
        Error failure = new OutOfMemoryError("injected");
        AtomicReference<Thread> failedOn = new AtomicReference<>();

        assertThatThrownBy(() -> Keys.derive(header, PASSWORD, failingOnEncryptionKey(failure, failedOn))).isSameAs(failure);

        assertThat(failedOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(failedOn.get().getName()).isEqualTo("safelight-pbkdf2");
    }

    @Test
    void a_runtime_exception_on_the_second_thread_is_thrown_to_the_caller_as_it_was() {
        RuntimeException failure = new IllegalStateException("injected");

        assertThatThrownBy(() -> Keys.derive(header, PASSWORD, failingOnEncryptionKey(failure, new AtomicReference<>())))
                .isSameAs(failure);
    }

    @Test
    void the_second_thread_is_still_usable_after_a_failure() {
        assertThatThrownBy(() -> Keys.derive(header, PASSWORD, failingOnEncryptionKey(new StackOverflowError(), new AtomicReference<>())))
                .isInstanceOf(StackOverflowError.class);

        assertThat(Keys.derive(header, PASSWORD)[0]).isEqualTo(Keys.derive(header, PASSWORD, (p, s) -> Keys.pbkdf2(p, s, RNCryptor.PBKDF2_ITERATIONS, 32))[0]);
    }

    /**
     * Throws {@code failure} when deriving the encryption key; the HMAC key (derived by the caller)
     * waits until that derivation has started, so that it runs on the second thread.
     */
    private Keys.Derivation failingOnEncryptionKey(Throwable failure, AtomicReference<Thread> failedOn) {
        CountDownLatch started = new CountDownLatch(1);
        return (password, salt) -> {
            if (Arrays.equals(salt, header.encryptionSalt())) {
                failedOn.set(Thread.currentThread());
                started.countDown();
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
            try {
                started.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[32];
        };
    }
}
