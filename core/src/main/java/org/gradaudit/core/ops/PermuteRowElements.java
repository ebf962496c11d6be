package org.gradaudit.core.ops;

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
import org.gradaudit.core.tensor.Broadcast;

/**
 * Theano's {@code permute_row_elements(x, y, inverse)}: each row (last axis) of x permuted by the
 * matching row of the integer permutation y, {@code out[..., j] = x[..., y[..., j]]}, or with
 * {@code inverse} {@code out[..., y[..., j]] = x[..., j]}. The leading axes of x and y broadcast
 * (NumPy rules, ranks aligned on the right); their last axes must have equal length n, and each
 * row of y must be a permutation of 0..n-1 (checked).
 *
 * <p>Linear in x. L-op: the inverse permutation of gz, summed over the axes along which x was
 * broadcast: {@code gx = sumToShape(permute_row_elements(gz, y, !inverse), x)}. R-op (absent in
 * Theano): {@code permute_row_elements(t, y, inverse)}. y is not connected.
 */
public final class PermuteRowElements extends Op {
    private static final long serialVersionUID = 1L;

    private final boolean inverse;

    public PermuteRowElements(boolean inverse) {
        this.inverse = inverse;
    }

    public static Variable apply(Variable x, Variable y, boolean inverse) {
        return new PermuteRowElements(inverse).makeNode(x, y).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType y = Errors.requireTensor(this, 1, inputs.get(1));
        if (x.ndim() < 1) {
            throw new IllegalArgumentException(this + ": input 0 has ndim 0; rows need at least 1 dimension");
        }
        if (y.ndim() < 1 || !y.dtype().isInteger()) {
            throw new IllegalArgumentException(this + ": input 1 (the permutations) has type " + y
                    + "; an integer tensor of ndim >= 1 is required");
        }
        int nd = Math.max(x.ndim(), y.ndim());
        boolean[] b = new boolean[nd];
        for (int a = 0; a < nd - 1; a++) {
            int ax = a - (nd - x.ndim());
            int ay = a - (nd - y.ndim());
            b[a] = (ax < 0 || x.broadcastable(ax)) && (ay < 0 || y.broadcastable(ay));
        }
        b[nd - 1] = x.broadcastable(x.ndim() - 1) && y.broadcastable(y.ndim() - 1);
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray x = in[0];
        NDArray y = in[1];
        int[] xs = x.shape();
        int[] ys = y.shape();
        int n = xs[xs.length - 1];
        if (ys[ys.length - 1] != n) {
            throw new IllegalArgumentException(this + ": rows of input 0 (shape " + Arrays.toString(xs)
                    + ") have length " + n + " but the permutations of input 1 (shape " + Arrays.toString(ys)
                    + ") have length " + ys[ys.length - 1]);
        }
        int[] xl = Arrays.copyOf(xs, xs.length - 1);
        int[] yl = Arrays.copyOf(ys, ys.length - 1);
        int[] lead = Broadcast.shape(toString(), xl, yl);
        int rows = NDArray.sizeOf(lead);
        int[] xst = Broadcast.strides(xl, lead);
        int[] yst = Broadcast.strides(yl, lead);
        double[] xd = x.unsafeData();
        double[] yd = y.unsafeData();
        double[] out = new double[rows * n];
        boolean[] seen = new boolean[n];
        int[] c = new int[lead.length];
        int xo = 0;
        int yo = 0;
        for (int r = 0; r < rows; r++) {
            Arrays.fill(seen, false);
            for (int j = 0; j < n; j++) {
                double v = yd[yo * n + j];
                int p = (int) v;
                if (p < 0 || p >= n || seen[p]) {
                    throw new IllegalArgumentException(this + ": row " + r + " of input 1 is not a permutation of 0.."
                            + (n - 1) + " (entry " + j + " is " + (long) v + (p >= 0 && p < n ? ", a repeat" : "") + ")");
                }
                seen[p] = true;
                if (inverse) {
                    out[r * n + p] = xd[xo * n + j];
                } else {
                    out[r * n + j] = xd[xo * n + p];
                }
            }
            for (int a = lead.length - 1; a >= 0; a--) {
                xo += xst[a];
                yo += yst[a];
                if (++c[a] < lead[a]) {
                    break;
                }
                xo -= xst[a] * lead[a];
                yo -= yst[a] * lead[a];
                c[a] = 0;
            }
        }
        int[] os = Arrays.copyOf(lead, lead.length + 1);
        os[lead.length] = n;
        return new NDArray[] {NDArray.wrap(x.dtype(), os, out)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (x.dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX), DisconnectedType.create());
        }
        Variable g = SumToShape.apply(apply(outputGrads.get(0), inputs.get(1), !inverse), x);
        return List.of(g, DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || inputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(apply(t, inputs.get(1), inverse));
    }

    @Override
    protected Object[] props() {
        return new Object[] {inverse};
    }
}
