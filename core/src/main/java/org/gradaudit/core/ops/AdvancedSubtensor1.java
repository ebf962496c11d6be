package org.gradaudit.core.ops;

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
import org.gradaudit.core.tensor.IndexKernels;

/**
 * {@code x[ilist]} along axis 0 for an integer vector ilist (Theano's AdvancedSubtensor1):
 * {@code out[k, ...] = x[ilist[k], ...]}. Repeats are allowed, negative entries count from the
 * end, out of range is an error. ilist is not connected.
 *
 * <p>Linear in x: R-op {@code t[ilist]}; L-op, the transpose, scatters back with accumulation:
 * {@code gx = advancedIncSubtensor1(zeros_like(x), gz, ilist)} (a row picked twice gets both
 * cotangents).
 */
public final class AdvancedSubtensor1 extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x, Variable ilist) {
        return new AdvancedSubtensor1().makeNode(x, ilist).out();
    }

    static void checkIndexVector(Object op, int pos, Variable v) {
        TensorType t = Errors.requireTensor(op, pos, v);
        if (t.ndim() != 1 || !t.dtype().isInteger()) {
            throw new IllegalArgumentException(op + ": input " + pos + " (the index list) has type " + t
                    + "; an integer vector is required");
        }
    }

    /** The gather map of {@code x[ilist]}: row {@code ilist[k]} of x, k ascending. */
    static int[] map(String op, int[] xs, NDArray ilist) {
        int rows = xs[0];
        int inner = NDArray.sizeOf(xs) / Math.max(rows, 1);
        if (rows == 0) {
            inner = 1;
            for (int a = 1; a < xs.length; a++) {
                inner *= xs[a];
            }
        }
        double[] idx = ilist.unsafeData();
        int[] map = new int[idx.length * inner];
        for (int k = 0; k < idx.length; k++) {
            int r = IndexKernels.index(op, 0, rows, idx[k]);
            for (int j = 0; j < inner; j++) {
                map[k * inner + j] = r * inner + j;
            }
        }
        return map;
    }

    static int[] outShape(int[] xs, int n) {
        int[] os = xs.clone();
        os[0] = n;
        return os;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (x.ndim() < 1) {
            throw new IllegalArgumentException(this + ": input 0 has ndim 0; at least 1 is required");
        }
        checkIndexVector(this, 1, inputs.get(1));
        boolean[] b = x.broadcastable();
        b[0] = inputs.get(1).broadcastable()[0];
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] xs = in[0].shape();
        return new NDArray[] {IndexKernels.gather(in[0], map(toString(), xs, in[1]), outShape(xs, in[1].size()))};
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
        Variable gx = new AdvancedIncSubtensor1(false).makeNode(T.zerosLike(x), outputGrads.get(0), inputs.get(1)).out();
        return List.of(gx, DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || inputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(apply(t, inputs.get(1)));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
