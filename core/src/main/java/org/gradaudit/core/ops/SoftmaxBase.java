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
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * What {@link Softmax} and {@link LogSoftmax} share: one axis (non-negative, checked against the
 * input's ndim), a float output of x's shape (floatX for integer input), the numerically stable
 * kernel (the group's max is subtracted before exp), and the per-group sum along the axis kept as
 * a broadcastable axis. Each subclass gives its Jacobian-vector product and its transpose.
 */
public abstract class SoftmaxBase extends Op {
    private static final long serialVersionUID = 1L;

    protected final int axis;
    private final boolean log;

    SoftmaxBase(int axis, boolean log) {
        if (axis < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": axis " + axis
                    + " must be normalised (non-negative); use the static apply, which accepts negative axes");
        }
        this.axis = axis;
        this.log = log;
    }

    /** {@code axis} counted from the end when negative, checked against x's ndim. */
    static int normalizeAxis(String opName, Variable x, int axis) {
        int nd = Errors.requireTensor(opName, 0, x).ndim();
        int a = axis < 0 ? axis + nd : axis;
        if (a < 0 || a >= nd) {
            throw Errors.axisOutOfRange(opName, axis, nd);
        }
        return a;
    }

    public int axis() { return axis; }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (axis >= x.ndim()) {
            throw Errors.axisOutOfRange(this, axis, x.ndim());
        }
        DType d = x.dtype().isFloat() ? x.dtype() : DType.FLOATX;
        return Apply.create(this, inputs, List.of(new TensorType(d, x.broadcastable())));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        DType d = in[0].dtype().isFloat() ? in[0].dtype() : DType.FLOATX;
        return new NDArray[] {ReduceKernels.softmax(in[0], axis, log, d)};
    }

    /** {@code sum(v, axis)} with the axis kept (broadcastable), so it lines up with v. */
    protected Variable sumKeep(Variable v) {
        boolean[] r = new boolean[v.ndim()];
        r[axis] = true;
        return AxisReduction.expand(Sum.apply(v, axis), r);
    }

    /** J v, with y the op's output. */
    abstract Variable jv(Variable y, Variable v);

    /** J^T g, with y the op's output. */
    abstract Variable jtg(Variable y, Variable g);

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        return List.of(AxisReduction.asGradOf(jtg(outputs.get(0), outputGrads.get(0)), inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : jv(outputs.get(0), t));
    }

    @Override
    protected Object[] props() {
        return new Object[] {axis};
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{axis=" + axis + "}";
    }
}
