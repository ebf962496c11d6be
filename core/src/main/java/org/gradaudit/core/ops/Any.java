package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/** {@code any(x, axes)}: bool, whether any elements of each group are non-zero (see {@link BoolReduction}). */
public final class Any extends BoolReduction {
    private static final long serialVersionUID = 1L;

    public Any(int... axes) {
        super(false, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Any(normalize("Any", x, axes)).makeNode(x).out();
    }
}
