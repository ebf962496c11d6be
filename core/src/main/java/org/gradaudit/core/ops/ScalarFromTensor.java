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
 * Theano's {@code scalar_from_tensor}: a 0-d tensor to a scalar. In this core scalars are 0-d
 * tensors, so it is the 0-d identity (kept so graphs ported from Theano keep their ops). L-op
 * {@code tensorFromScalar(gz)}, R-op {@code scalarFromTensor(t)}.
 */
public final class ScalarFromTensor extends Op {
    private static final long serialVersionUID = 1L;

    /** Checks a 0-d input and returns its type (shared with {@link TensorFromScalar}). */
    static TensorType check(Op op, List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(op, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(op, 0, inputs.get(0));
        if (x.ndim() != 0) {
            throw new IllegalArgumentException(op + ": input 0 has type " + x + " (ndim " + x.ndim()
                    + "); only 0-d tensors are allowed");
        }
        return x;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return Apply.create(this, inputs, List.of(check(this, inputs)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {in[0]};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        return List.of(ShapeOpSupport.castLike(x.dtype().isFloat()
                ? new TensorFromScalar().makeNode(outputGrads.get(0)).out() : null, x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) || !inputs.get(0).dtype().isFloat() ? DisconnectedType.create() : makeNode(t).out());
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
