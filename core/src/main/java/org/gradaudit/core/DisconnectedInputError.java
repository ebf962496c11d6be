package org.gradaudit.core;

/**
 * Raised when a gradient is asked with respect to a variable the cost does not depend on (or
 * reaches only through non-differentiable ops) and {@link DisconnectedInputs#RAISE} is in effect.
 * Unlike Theano 0.9 and later, the message always keeps the sentence that names the variable.
 */
public class DisconnectedInputError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Variable variable;

    public DisconnectedInputError(String message, Variable variable) {
        super(message);
        this.variable = variable;
    }

    /** The disconnected variable (null after deserialization). */
    public Variable variable() { return variable; }
}
