package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/**
 * {@code argmin(x, axes)}: the int64 index of the first minimum of each group (see
 * {@link ArgExtremum}); not connected to x.
 */
public final class Argmin extends ArgExtremum {
    private static final long serialVersionUID = 1L;

    public Argmin(int... axes) {
        super(false, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Argmin(normalize("Argmin", x, axes)).makeNode(x).out();
    }
}
