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
 */
public final class SumToShape extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable g, Variable like) {
        return new SumToShape().makeNode(g, like).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType g = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType x = Errors.requireTensor(this, 1, inputs.get(1));
        if (x.ndim() > g.ndim()) {
            throw new IllegalArgumentException(this + ": input 1 has ndim " + x.ndim()
                    + ", more than the ndim " + g.ndim() + " of input 0");
        }
        return Apply.create(this, inputs, List.of(new TensorType(g.dtype(), x.broadcastable())));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray g = in[0];
        int[] target = in[1].shape();
        int[] gs = g.shape();
        if (Arrays.equals(gs, target)) {
            return new NDArray[] {g};
        }
        int shift = gs.length - target.length;
        boolean[] reduce = new boolean[gs.length];
        for (int a = 0; a < gs.length; a++) {
            if (a < shift) {
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
    protected Object[] props() {
        return new Object[0];
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        return List.of(T.fill(inputs.get(0), outputGrads.get(0)), DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? t : apply(t, inputs.get(1)));
    }
}
