package org.gradaudit.jobs.examples;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * A deliberately wrong user op, to show what an audit catches: it computes {@code y = -x} but its
 * gradient rule returns {@code +gz} instead of {@code -gz} (the R-op makes the same sign mistake).
 * Every element of its input's gradient is therefore the negation of the true one.
 */
public final class BrokenNeg extends Op {
    private static final long serialVersionUID = 1L;

    /** {@code y = -x}, with the broken gradient. */
    public static Variable apply(Variable x) {
        return new BrokenNeg().makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType t = Errors.requireTensor(this, 0, inputs.get(0));
        return Apply.create(this, inputs, List.of(t));
    }

    @Override
    public NDArray[] perform(NDArray[] inputs) {
        double[] x = inputs[0].unsafeData();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = -x[i];
        }
        return new NDArray[] {NDArray.of(inputs[0].dtype(), inputs[0].shape(), y)};
    }

    /** The bug: d(-x)/dx = -1, so the rule should return {@code T.neg(gz)}. */
    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        return List.of(outputGrads.get(0));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : T.asTensor(t));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
