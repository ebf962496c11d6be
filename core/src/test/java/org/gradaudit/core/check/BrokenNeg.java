package org.gradaudit.core.check;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/** A deliberately wrong user op: computes -x but claims its gradient is +gz. */
final class BrokenNeg extends Op {
    private static final long serialVersionUID = 1L;

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return Apply.create(this, inputs, List.of(inputs.get(0).type()));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        double[] d = in[0].toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] = -d[i];
        }
        return new NDArray[] {NDArray.wrap(in[0].dtype(), in[0].shape(), d)};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        return List.of(T.mul(outputGrads.get(0), 1.0));     // wrong sign
    }
}
