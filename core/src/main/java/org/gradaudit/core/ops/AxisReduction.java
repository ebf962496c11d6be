package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * What the axis reductions (mean, prod, max, argmax, all, var...) share: the reduced axes (sorted,
 * distinct, non-negative; null = all), the type check, the output's broadcastable pattern (the
 * reduced axes removed) and {@link #expand}, which puts the reduced axes back as broadcastable
 * ones so a per-group value lines up with x in gradient graphs. Keepdims is the façade's
 * business (a dimshuffle after the op), so it is not a prop.
 */
public abstract class AxisReduction extends Op {
    private static final long serialVersionUID = 1L;

    protected final int[] axes;

    /**
     * {@code axes}: non-negative axes (any order; kept sorted), or null for all axes. An empty
     * array reduces no axis (as {@link Sum}); the static {@code apply} methods map "none given" to
     * null and accept negative axes.
     */
    protected AxisReduction(int[] axes) {
        if (axes != null) {
            axes = axes.clone();
            Arrays.sort(axes);
            for (int i = 0; i < axes.length; i++) {
                if (axes[i] < 0 || (i > 0 && axes[i] == axes[i - 1])) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": axes " + Arrays.toString(axes)
                            + " must be distinct and non-negative (use the static apply for negative axes)");
                }
            }
        }
        this.axes = axes;
    }

    /**
     * {@code axes} normalised for an input {@code x} (negatives count from the end, sorted), or null
     * (all axes) when none are given. Out-of-range and repeated axes are errors naming {@code opName}.
     */
    public static int[] normalize(String opName, Variable x, int... axes) {
        int nd = Errors.requireTensor(opName, 0, x).ndim();
        if (axes == null || axes.length == 0) {
            return null;
        }
        return Errors.normalizeAxes(opName, axes, nd);
    }

    public int[] axes() { return axes == null ? null : axes.clone(); }

    /** {@code r[a]} iff axis a is reduced. */
    protected boolean[] reduced(int nd) {
        boolean[] r = new boolean[nd];
        if (axes == null) {
            Arrays.fill(r, true);
        } else {
            for (int a : axes) {
                r[a] = true;
            }
        }
        return r;
    }

    /** Arity 1, a tensor input, axes in range; returns the input's type. */
    protected TensorType checkInput(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (axes != null) {
            for (int a : axes) {
                if (a < 0 || a >= x.ndim()) {
                    throw Errors.axisOutOfRange(this, a, x.ndim());
                }
            }
        }
        return x;
    }

    /** The output type: x's broadcastable pattern without the reduced axes, with dtype {@code d}. */
    protected TensorType reducedType(TensorType x, DType d) {
        boolean[] r = reduced(x.ndim());
        boolean[] xb = x.broadcastable();
        List<Boolean> ob = new ArrayList<>();
        for (int a = 0; a < xb.length; a++) {
            if (!r[a]) {
                ob.add(xb[a]);
            }
        }
        boolean[] b = new boolean[ob.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = ob.get(i);
        }
        return new TensorType(d, b);
    }

    /** Single-output node of type {@code reducedType(x, d)}. */
    protected Apply node(List<Variable> inputs, DType d) {
        TensorType x = checkInput(inputs);
        return Apply.create(this, inputs, List.of(reducedType(x, d)));
    }

    /** A per-group value (reduced shape) with the reduced axes put back as broadcastable ones. */
    protected Variable expand(Variable v, int nd) {
        return expand(v, reduced(nd));
    }

    /** A per-group value with the axes {@code reduced} put back as broadcastable ones. */
    static Variable expand(Variable v, boolean[] reduced) {
        Object[] pattern = new Object[reduced.length];
        int k = 0;
        for (int a = 0; a < pattern.length; a++) {
            pattern[a] = reduced[a] ? "x" : (Object) k++;
        }
        return T.dimshuffle(v, pattern);
    }

    /** The number of elements per group, as a per-group value of dtype {@code d} (exact: a sum of ones). */
    protected Variable groupSize(Variable x, DType d) {
        return Sum.apply(T.onesLike(x, d), axes);
    }

    /** {@code v} cast to x's dtype when x is float (gradient terms take their input's float dtype). */
    static Variable asGradOf(Variable v, Variable x) {
        if (x.dtype().isFloat()) {
            return v.dtype() == x.dtype() ? v : T.cast(v, x.dtype());
        }
        return v.dtype().isFloat() ? v : T.cast(v, DType.FLOATX);
    }

    @Override
    protected Object[] props() {
        return new Object[] {axes};
    }

    @Override
    public String toString() {
        return axes == null ? getClass().getSimpleName() : getClass().getSimpleName() + "{axes=" + Arrays.toString(axes) + "}";
    }
}
