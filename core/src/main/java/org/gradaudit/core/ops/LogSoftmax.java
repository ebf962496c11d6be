package org.gradaudit.core.ops;

import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * {@code logSoftmax(x, axis) = (x - m) - log(sum(exp(x - m), axis))}, m the max along the axis:
 * stable for large |x| where log(softmax(x)) would give log(0) = -inf. With s = exp(y) = softmax(x)
 * the Jacobian along the axis is {@code I - 1 s^T}: R-op {@code t - sum(s * t, axis)}, L-op
 * {@code g - s * sum(g, axis)}. Integer input gives floatX.
 */
public final class LogSoftmax extends SoftmaxBase {
    private static final long serialVersionUID = 1L;

    public LogSoftmax(int axis) {
        super(axis, true);
    }

    /** Log-softmax of x along {@code axis} (negative counts from the end). */
    public static Variable apply(Variable x, int axis) {
        return new LogSoftmax(normalizeAxis("LogSoftmax", x, axis)).makeNode(x).out();
    }

    @Override
    Variable jv(Variable y, Variable v) {
        return T.sub(v, sumKeep(T.mul(T.exp(y), v)));
    }

    @Override
    Variable jtg(Variable y, Variable g) {
        return T.sub(g, T.mul(T.exp(y), sumKeep(g)));
    }
}
