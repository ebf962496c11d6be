package org.gradaudit.core;

import java.util.Objects;

/**
 * A variable whose value lives with the variable (Theano's {@code shared}). Functions read the
 * current value each call; a compiled program carries the variable, so executors see the value it
 * had when the program was serialized.
 */
public final class SharedVariable extends Variable {
    private static final long serialVersionUID = 1L;

    private NDArray value;

    public SharedVariable(TensorType type, NDArray value, String name) {
        super(type, null, 0, name);
        setValue(value);
    }

    public synchronized NDArray getValue() { return value; }

    /** Replaces the value; it must be of this variable's type. */
    public synchronized void setValue(NDArray newValue) {
        Objects.requireNonNull(newValue, "value");
        String why = tensorType().mismatch(newValue);
        if (why != null) {
            throw new IllegalArgumentException("shared variable " + this + " of type " + type()
                    + " cannot hold this value: " + why);
        }
        this.value = newValue;
    }
}
