package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code flatten(x, ndim)} (Theano's Flatten): keeps the first {@code ndim - 1} axes and collapses
 * the rest into one, {@code out.shape = x.shape[:ndim-1] + (prod(x.shape[ndim-1:]),)}; a 0-d x
 * becomes a vector of length 1. Linear: R-op {@code flatten(t, ndim)}; L-op
 * {@code reshape(gz, shape(x))} with x's broadcastable flags.
 */
public final class Flatten extends Op {
    private static final long serialVersionUID = 1L;

    private final int ndim;

    public Flatten(int ndim) {
        if (ndim < 1) {
            throw new IllegalArgumentException("Flatten: ndim is " + ndim + "; at least 1 is required");
        }
        this.ndim = ndim;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (ndim > Math.max(x.ndim(), 1)) {
            throw new IllegalArgumentException(this + ": cannot flatten input 0 of ndim " + x.ndim() + " to ndim "
                    + ndim + " (allowed: 1 to " + Math.max(x.ndim(), 1) + ")");
        }
        boolean[] b = new boolean[ndim];
        for (int a = 0; a < ndim - 1; a++) {
            b[a] = x.broadcastable(a);
        }
        boolean last = true;
        for (int a = ndim - 1; a < x.ndim(); a++) {
            last &= x.broadcastable(a);
        }
        b[ndim - 1] = last;
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] xs = in[0].shape();
        int[] os = new int[ndim];
        int p = 1;
        for (int a = 0; a < xs.length; a++) {
            if (a < ndim - 1) {
                os[a] = xs[a];
            } else {
                p *= xs[a];
            }
        }
        os[ndim - 1] = p;
        return new NDArray[] {in[0].reshape(os)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            return List.of(ShapeOpSupport.castLike(null, x));
        }
        Variable g = new Reshape(x.ndim()).makeNode(outputGrads.get(0), Shape.apply(x)).out();
        return List.of(ShapeOpSupport.likeInput(g, x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? t : makeNode(t).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {ndim};
    }

    @Override
    public String toString() {
        return "Flatten{" + ndim + "}";
    }
}
