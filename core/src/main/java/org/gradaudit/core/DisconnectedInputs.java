package org.gradaudit.core;

/** What {@link Gradient#grad} does for a wrt that the cost does not depend on. */
public enum DisconnectedInputs {
    /** Treat the gradient as zero, silently. */
    IGNORE,
    /** Treat the gradient as zero and emit a warning. */
    WARN,
    /** Throw {@link DisconnectedInputError} (the default). */
    RAISE
}
