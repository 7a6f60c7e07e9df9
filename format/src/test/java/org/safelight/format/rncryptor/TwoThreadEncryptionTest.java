package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Encrypting with the HMAC and the writes on a second thread gives the bytes of the one-thread stream,
 * whatever the sizes written; a failure of the underlying stream reaches the caller (in every later
 * call too, closing included, none of them waiting for ever), abandoning stops the second thread, and
 * the underlying stream is never used from two threads at once.
 */
class TwoThreadEncryptionTest {
    private static final Secret KEY = Secret.password("two threads");
    private static final Header HEADER = Header.of(1, new byte[8], filled(8, 1), filled(16, 2));

    @Test
    void the_message_is_the_one_thread_streams_byte_for_byte_at_every_size() throws Exception {
        Random random = new Random(2);
        int chunk = RNCryptor.CHUNK;
        for (int length : new int[] {0, 1, 15, 16, chunk - 1, chunk, chunk + 1, 3 * chunk + 17, 5_000_000}) {
            byte[] plain = new byte[length];
            random.nextBytes(plain);
            assertThat(encrypt(plain, true, random)).as("%d bytes", length).isEqualTo(encrypt(plain, false, random));
            assertThat(RNCryptor.decrypt(encrypt(plain, true, random), KEY)).isEqualTo(plain);
        }
    }

    @Test
    void a_failing_stream_fails_the_writer_and_abandoning_stops_the_second_thread() throws Exception {
        EncryptingOutputStream out = new EncryptingOutputStream(failingAtWrite(3), KEY, HEADER, true);
        byte[] chunk = new byte[RNCryptor.CHUNK];
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
            out.finish();
        }).isInstanceOf(IOException.class).hasMessage("disk full");
        out.abandon();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("safelight-hmac") && t.isAlive());

        EncryptingOutputStream idle = new EncryptingOutputStream(new ByteArrayOutputStream(), KEY, HEADER, true);
        idle.write(chunk);
        idle.abandon(); // a caller that failed elsewhere
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("safelight-hmac") && t.isAlive());
    }

    @Test
    void after_a_failure_every_later_write_and_close_throws_and_the_second_thread_is_gone() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Set<Thread> before = hmacThreads();
            EncryptingOutputStream out = RNCryptor.encryptingStreamOnTwoThreads(failingAtWrite(3), KEY);
            Set<Thread> started = hmacThreads();
            started.removeAll(before);
            assertThat(started).hasSize(1);
            byte[] chunk = new byte[64 * 1024];
            assertThatThrownBy(() -> {
                try (out) {
                    for (int i = 0; i < 100; i++) {
                        out.write(chunk);
                    }
                }
            }).isInstanceOf(IOException.class).hasMessage("disk full")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IOException.class));
            assertThatThrownBy(out::close).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> out.write(chunk)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
            assertThatThrownBy(out::finish).isInstanceOf(IOException.class);
            assertThat(started).noneMatch(Thread::isAlive);
        });
    }

    @Test
    void after_a_failure_the_hand_off_throws_at_every_take_submit_and_finish() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            HandOff<byte[]> handOff = HandOff.ofArrays("safelight-hmac", 1, 16, (buffer, length) -> {
                throw new IOException("disk full");
            });
            byte[] buffer = handOff.take();
            handOff.submit(buffer, 16);
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(handOff::take).hasMessage("disk full");
            }
            assertThatThrownBy(() -> handOff.submit(new byte[16], 16)).hasMessage("disk full");
            assertThatThrownBy(handOff::finish).hasMessage("disk full");
            assertThatThrownBy(handOff::finish).hasMessage("disk full");
            handOff.close();
        });
    }

    @Test
    void on_two_threads_the_underlying_stream_is_written_and_flushed_by_one_thread_at_a_time() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                calls.add(Thread.currentThread().getName());
            }

            @Override
            public void write(byte[] b, int off, int len) {
                calls.add(Thread.currentThread().getName());
            }

            @Override
            public void flush() {
                calls.add(Thread.currentThread().getName());
            }
        };
        EncryptingOutputStream out = new EncryptingOutputStream(recording, KEY, HEADER, true);
        String caller = Thread.currentThread().getName();
        assertThat(calls).containsOnly(caller); // the header, before the second thread started
        calls.clear();
        byte[] data = new byte[RNCryptor.CHUNK / 3];
        for (int i = 0; i < 20; i++) {
            out.write(data);
            out.flush(); // as ZipOutputStream does when a stripped video is flushed into it
        }
        out.finish();
        // the second thread's calls, then (after it stopped) the caller's HMAC and flush; never mixed
        int lastOfSecond = calls.lastIndexOf("safelight-hmac");
        assertThat(calls.subList(0, lastOfSecond + 1)).isNotEmpty().containsOnly("safelight-hmac");
        assertThat(calls.subList(lastOfSecond + 1, calls.size())).isNotEmpty().containsOnly(caller);
    }

    private static OutputStream failingAtWrite(int failing) {
        return new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes >= failing) {
                    throw new IOException("disk full");
                }
            }
        };
    }

    private static Set<Thread> hmacThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("safelight-hmac") && t.isAlive())
                .collect(Collectors.toSet());
    }

    /** The message for {@code plain}, written in random pieces. */
    private static byte[] encrypt(byte[] plain, boolean twoThreads, Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncryptingOutputStream out = new EncryptingOutputStream(bytes, KEY, HEADER, twoThreads);
        for (int off = 0; off < plain.length; ) {
            int n = Math.min(plain.length - off, random.nextInt(3) == 0 ? 1 + random.nextInt(100) : random.nextInt(200_000));
            if (n == 1) {
                out.write(plain[off]);
            } else {
                out.write(plain, off, n);
            }
            off += n;
        }
        out.finish();
        return bytes.toByteArray();
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
