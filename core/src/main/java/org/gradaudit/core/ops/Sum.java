package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Reductions;

/**
 * {@code sum(x, axes)}: the sum over the given axes (all when none are given), which are removed.
 * Integer and bool inputs sum to int64 (NumPy). Linear: the R-op is the sum of the tangent; the
 * L-op puts the reduced axes back as broadcastable ones and fills x's shape.
 */
public final class Sum extends Op {
    private static final long serialVersionUID = 1L;

    private final int[] axes;            // sorted, distinct; null = all axes

    public Sum(int... axes) {
        this.axes = axes == null ? null : axes.clone();
    }

    /** Sums {@code x} over {@code axes} (negative axes count from the end); all axes if none. */
    public static Variable apply(Variable x, int... axes) {
        if (axes == null || axes.length == 0) {
            return new Sum((int[]) null).makeNode(x).out();
        }
        return new Sum(Errors.normalizeAxes("Sum", axes, Errors.requireTensor("Sum", 0, x).ndim())).makeNode(x).out();
    }

    private boolean[] reduced(int nd) {
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

    static DType sumType(DType d) {
        return d.isFloat() ? d : DType.INT64;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
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
        return Apply.create(this, inputs, List.of(new TensorType(sumType(x.dtype()), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray x = in[0];
        return new NDArray[] {Reductions.sum(x, reduced(x.ndim()), sumType(x.dtype()))};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable gz = outputGrads.get(0);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        boolean[] r = reduced(x.ndim());
        Object[] pattern = new Object[x.ndim()];
        int k = 0;
        for (int a = 0; a < pattern.length; a++) {
            pattern[a] = r[a] ? "x" : (Object) k++;
        }
        Variable g = T.fill(x, T.dimshuffle(gz, pattern));
        return List.of(g.dtype() == x.dtype() || !x.dtype().isFloat() ? g : T.cast(g, x.dtype()));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || outputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(makeNode(t).out());
    }

    public int[] axes() { return axes == null ? null : axes.clone(); }

    @Override
    protected Object[] props() {
        return new Object[] {axes};
    }

    @Override
    public String toString() {
        return axes == null ? "Sum" : "Sum{axes=" + Arrays.toString(axes) + "}";
    }
}
