package org.gradaudit.core.ops;

import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * {@code softmax(x, axis) = exp(x - m) / sum(exp(x - m), axis)}, m the max along the axis (so no
 * exp overflows; the result is unchanged). Its Jacobian along the axis, {@code diag(y) - y y^T},
 * is symmetric, so both modes are one formula: {@code y * (v - sum(v * y, axis))} with v the
 * tangent (R-op) or the output gradient (L-op). Integer input gives floatX.
 */
public final class Softmax extends SoftmaxBase {
    private static final long serialVersionUID = 1L;

    public Softmax(int axis) {
        super(axis, false);
    }

    /** Softmax of x along {@code axis} (negative counts from the end). */
    public static Variable apply(Variable x, int axis) {
        return new Softmax(normalizeAxis("Softmax", x, axis)).makeNode(x).out();
    }

    @Override
    Variable jv(Variable y, Variable v) {
        return T.mul(y, T.sub(v, sumKeep(T.mul(v, y))));
    }

    @Override
    Variable jtg(Variable y, Variable g) {
        return jv(y, g);
    }
}
