package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/**
 * {@code min(x, axes)}: the minimum over the given axes (all when none are given); NaN propagates.
 * Gradient and R-op follow the tie rule of {@link ExtremumReduction}: everything goes to every
 * position equal to the minimum.
 */
public final class Min extends ExtremumReduction {
    private static final long serialVersionUID = 1L;

    public Min(int... axes) {
        super(false, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Min(normalize("Min", x, axes)).makeNode(x).out();
    }
}
