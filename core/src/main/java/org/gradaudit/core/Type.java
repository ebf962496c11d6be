package org.gradaudit.core;

import java.io.Serializable;

/**
 * The type of a symbolic {@link Variable}: a tensor type, or one of the two placeholder types the
 * gradient machinery uses ({@link DisconnectedType}, {@link NullType}).
 */
public abstract class Type implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A fresh variable of this type with no owner. */
    public Variable make(String name) {
        return new Variable(this, null, 0, name);
    }

    /** A fresh unnamed variable of this type. */
    public Variable make() {
        return make(null);
    }
}
