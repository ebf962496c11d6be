package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/**
 * {@code max(x, axes)}: the maximum over the given axes (all when none are given); NaN propagates.
 * Gradient and R-op follow the tie rule of {@link ExtremumReduction}: everything goes to every
 * position equal to the maximum.
 */
public final class Max extends ExtremumReduction {
    private static final long serialVersionUID = 1L;

    public Max(int... axes) {
        super(true, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Max(normalize("Max", x, axes)).makeNode(x).out();
    }
}
