package org.gradaudit.jobs.audit;

/**
 * An audit spec is invalid. The message is {@code file: field.path: what is wrong and what was
 * expected}, for example {@code quickstart.json: cases[1].inputs.x.shape: expected an array of
 * non-negative integers, got "3"}. Unchecked; the CLI turns it into exit code 2.
 */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String path;

    public SpecException(String file, String path, String detail) {
        super(file + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + detail);
        this.file = file;
        this.path = path;
    }

    public SpecException(String file, String path, String detail, Throwable cause) {
        this(file, path, detail);
        initCause(cause);
    }

    /** The spec's file name (or the label it was read under). */
    public String file() { return file; }

    /** The JSON path of the offending field, e.g. {@code cases[1].inputs.x.shape}; empty for the whole file. */
    public String path() { return path; }
}
