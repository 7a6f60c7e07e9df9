package org.safelight.client.fhir.testing;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a callback just before the first byte of the answer goes out (status and headers are final
 * then), so a test that got its answer always finds the request recorded already.
 */
final class RecordingResponse extends HttpServletResponseWrapper {
    private final Consumer<HttpServletResponse> beforeCommit;
    private final AtomicBoolean done = new AtomicBoolean();
    private ServletOutputStream stream;
    private PrintWriter writer;

    RecordingResponse(HttpServletResponse response, Consumer<HttpServletResponse> beforeCommit) {
        super(response);
        this.beforeCommit = beforeCommit;
    }

    /** Runs the callback if nothing did yet (an answer without a body). */
    void commit() {
        if (done.compareAndSet(false, true)) {
            beforeCommit.accept(this);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream out = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return out.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    out.setWriteListener(listener);
                }

                @Override
                public void write(int b) throws IOException {
                    commit();
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    commit();
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    commit();
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    commit();
                    out.close();
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), charset));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        commit();
        if (writer != null) {
            writer.flush();
        }
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        super.setStatus(sc);
        commit();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        super.setStatus(sc);
        commit();
        super.sendError(sc);
    }

    /** The writer's last characters reach the stream before the container completes the answer. */
    void finish() {
        if (writer != null) {
            writer.flush();
        }
    }
}
