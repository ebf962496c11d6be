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

/**
 * Conversion to another dtype. Float to float passes the gradient (cast back); a cast to an
 * integer dtype passes none (zeros), as in Theano; an integer input cast to float receives the
 * float gradient.
 */
public final class Cast extends Op {
    private static final long serialVersionUID = 1L;

    private final DType to;

    public Cast(DType to) {
        this.to = to;
    }

    public DType to() { return to; }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        return Apply.create(this, inputs, List.of(x.withDType(to)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {in[0].astype(to)};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (to.isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        Variable gz = outputGrads.get(0);
        return List.of(x.dtype().isFloat() && gz.dtype() != x.dtype() ? T.cast(gz, x.dtype()) : gz);
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || to.isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(T.cast(t, to));
    }

    @Override
    protected Object[] props() {
        return new Object[] {to};
    }

    @Override
    public String toString() {
        return "Cast{" + to + "}";
    }
}
