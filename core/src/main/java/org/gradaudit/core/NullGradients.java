package org.gradaudit.core;

/** What {@link Gradient#grad} does when a requested gradient is undefined ({@link NullType}). */
public enum NullGradients {
    /** Throw {@link NullTypeGradError} (the default). */
    RAISE,
    /** Return the NullType variable. */
    RETURN
}
