package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.Variable;

/**
 * Theano's {@code tensor_from_scalar}: a scalar to a 0-d tensor; here the 0-d identity (scalars
 * are 0-d tensors). L-op {@code scalarFromTensor(gz)}, R-op {@code tensorFromScalar(t)}.
 */
public final class TensorFromScalar extends Op {
    private static final long serialVersionUID = 1L;

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return Apply.create(this, inputs, List.of(ScalarFromTensor.check(this, inputs)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {in[0]};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        return List.of(ShapeOpSupport.castLike(x.dtype().isFloat()
                ? new ScalarFromTensor().makeNode(outputGrads.get(0)).out() : null, x));
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
