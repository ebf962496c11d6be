package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/** {@code all(x, axes)}: bool, whether all elements of each group are non-zero (see {@link BoolReduction}). */
public final class All extends BoolReduction {
    private static final long serialVersionUID = 1L;

    public All(int... axes) {
        super(true, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new All(normalize("All", x, axes)).makeNode(x).out();
    }
}
