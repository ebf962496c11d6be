package org.gradaudit.core.ops;

import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Reductions;

/**
 * {@code sumToShape(g, x)}: sums {@code g} over the axes along which {@code x} was broadcast to
 * reach g's shape (leading extra axes, and axes where x has length 1), giving x's shape. It is the
 * transpose of broadcasting and appears in every elementwise gradient. Only x's shape is read, so
 * x is not connected. Linear in g: its R-op is itself, its L-op broadcasts back with fill.
 *
 * <p>With {@code keep = k}, g's first k axes are batch axes left untouched and the rest is summed
 * to x's shape (the batched form used by {@link org.gradaudit.core.graph.Vectorize}).
 */
public final class SumToShape extends Op {
    private static final long serialVersionUID = 1L;

    private final int keep;

    public SumToShape(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("SumToShape: keep must be >= 0, got " + keep);
        }
        this.keep = keep;
    }

    public SumToShape() {
        this(0);
    }

    public static Variable apply(Variable g, Variable like) {
        return new SumToShape().makeNode(g, like).out();
    }

    public int keep() { return keep; }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType g = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType x = Errors.requireTensor(this, 1, inputs.get(1));
        if (x.ndim() + keep > g.ndim()) {
            throw new IllegalArgumentException(this + ": input 1 has ndim " + x.ndim() + ", which with " + keep
                    + " kept axes is more than the ndim " + g.ndim() + " of input 0");
        }
        boolean[] b = new boolean[keep + x.ndim()];
        System.arraycopy(g.broadcastable(), 0, b, 0, keep);
        System.arraycopy(x.broadcastable(), 0, b, keep, x.ndim());
        return Apply.create(this, inputs, List.of(new TensorType(g.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray g = in[0];
        int[] gs = g.shape();
        int[] target = new int[keep + in[1].ndim()];
        System.arraycopy(gs, 0, target, 0, keep);
        System.arraycopy(in[1].shape(), 0, target, keep, in[1].ndim());
        if (Arrays.equals(gs, target)) {
            return new NDArray[] {g};
        }
        int shift = gs.length - target.length;
        boolean[] reduce = new boolean[gs.length];
        for (int a = keep; a < gs.length; a++) {
            if (a < keep + shift) {
                reduce[a] = true;
            } else if (target[a - shift] == 1 && gs[a] != 1) {
                reduce[a] = true;
            } else if (target[a - shift] != gs[a]) {
                throw new IllegalArgumentException(this + ": cannot sum shape " + Arrays.toString(gs)
                        + " down to shape " + Arrays.toString(target) + " (axis " + a + ")");
            }
        }
        NDArray r = Reductions.sum(g, reduce, g.dtype());
        return new NDArray[] {r.reshape(target)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        Variable g = inputs.get(0);
        Variable gz = outputGrads.get(0);
        int extra = g.ndim() - gz.ndim();
        if (keep > 0 && extra > 0) {
            // put gz's kept axes first, then new axes where g has the summed leading axes
            Object[] pattern = new Object[g.ndim()];
            for (int a = 0; a < g.ndim(); a++) {
                pattern[a] = a < keep ? (Object) a : a < keep + extra ? "x" : (Object) (a - extra);
            }
            gz = T.dimshuffle(gz, pattern);
        }
        return List.of(T.fill(g, gz), DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? t : makeNode(t, inputs.get(1)).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {keep};
    }

    @Override
    public String toString() {
        return keep == 0 ? "SumToShape" : "SumToShape{keep=" + keep + "}";
    }
}
