package org.safelight.format.media;

import org.safelight.format.FormatException;

/**
 * A photo, video or audio file is not what it claims to be, or is damaged. The message says which
 * kind of file and what is wrong with it; it never contains file content or paths, so it is safe to
 * show to a user and to log.
 */
public class MalformedMediaException extends FormatException {
    public MalformedMediaException(String message) {
        super(message);
    }

    public MalformedMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
