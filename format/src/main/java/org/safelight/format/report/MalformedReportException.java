package org.safelight.format.report;

import org.safelight.format.FormatException;

/** A report's metadata or layout does not follow the format. The message never contains patient data. */
public class MalformedReportException extends FormatException {
    public MalformedReportException(String message) {
        super(message);
    }

    public MalformedReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
