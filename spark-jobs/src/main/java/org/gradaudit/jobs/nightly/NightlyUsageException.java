package org.gradaudit.jobs.nightly;

/**
 * A nightly flag, setting, history directory or baseline is unusable. The message names the flag
 * (or Spark configuration key) or the file and field; the CLI turns it into exit code 2, before any
 * case runs and without writing anything.
 */
public final class NightlyUsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NightlyUsageException(String message) {
        super(message);
    }

    public NightlyUsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
