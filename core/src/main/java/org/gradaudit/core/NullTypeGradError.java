package org.gradaudit.core;

/** Raised when a requested gradient is undefined or not implemented (a {@link NullType}). */
public class NullTypeGradError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NullTypeGradError(String message) {
        super(message);
    }
}
