package org.gradaudit.core.ops;

import org.gradaudit.core.Variable;

/**
 * {@code argmax(x, axes)}: the int64 index of the first maximum of each group (see
 * {@link ArgExtremum}); not connected to x.
 */
public final class Argmax extends ArgExtremum {
    private static final long serialVersionUID = 1L;

    public Argmax(int... axes) {
        super(true, axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Argmax(normalize("Argmax", x, axes)).makeNode(x).out();
    }
}
