package org.gradaudit.core;

/** What {@link Gradient#grad} returns for a disconnected wrt (after {@link DisconnectedInputs}). */
public enum ReturnDisconnected {
    /** Zeros of the wrt's shape, float (the default). */
    ZERO,
    /** null in the result. */
    NONE,
    /** A {@link DisconnectedType} placeholder. */
    DISCONNECTED
}
