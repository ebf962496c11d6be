package org.gradaudit.core;

/**
 * The type of a gradient that is zero because the cost does not depend on the variable. A
 * symbolic placeholder only: it carries the extra fact "disconnected" and can never hold a value
 * (compiling a graph that needs one fails).
 */
public final class DisconnectedType extends Type {
    private static final long serialVersionUID = 1L;

    /** The shared instance. */
    public static final DisconnectedType INSTANCE = new DisconnectedType();

    private DisconnectedType() {}

    /** A fresh placeholder variable, Theano's {@code disconnected_type()}. */
    public static Variable create() {
        return INSTANCE.make();
    }

    /** True when {@code v} is a DisconnectedType placeholder. */
    public static boolean is(Variable v) {
        return v != null && v.type() instanceof DisconnectedType;
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public boolean equals(Object o) { return o instanceof DisconnectedType; }

    @Override
    public int hashCode() { return DisconnectedType.class.hashCode(); }

    @Override
    public String toString() { return "DisconnectedType"; }
}
