package org.gradaudit.core;

import java.util.Objects;

/**
 * The type of a gradient that is undefined or not implemented; it carries the explanation
 * ({@link #whyNull()}). Any sum that includes a NullType term is NullType ("poisoned"), and
 * compiling a graph that contains one fails with the explanation. As in Theano, two NullTypes are
 * equal whatever their explanations.
 */
public final class NullType extends Type {
    private static final long serialVersionUID = 1L;

    public static final String NO_EXPLANATION = "(no explanation given)";

    private final String whyNull;

    public NullType(String whyNull) {
        this.whyNull = Objects.requireNonNull(whyNull, "whyNull");
    }

    public NullType() {
        this(NO_EXPLANATION);
    }

    public String whyNull() { return whyNull; }

    /** True when {@code v} has a NullType. */
    public static boolean is(Variable v) {
        return v != null && v.type() instanceof NullType;
    }

    @Override
    public boolean equals(Object o) { return o instanceof NullType; }

    @Override
    public int hashCode() { return NullType.class.hashCode(); }

    @Override
    public String toString() { return "NullType"; }
}
