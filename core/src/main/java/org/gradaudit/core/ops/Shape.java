package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code shape(x)}: the int64 vector of x's lengths. It reads only the shape, which is locally
 * constant, so x is not connected: no gradient, no tangent.
 */
public final class Shape extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x) {
        return new Shape().makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        Errors.requireTensor(this, 0, inputs.get(0));
        return Apply.create(this, inputs, List.of(TensorType.of(DType.INT64, 1)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] s = in[0].shape();
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        return new NDArray[] {NDArray.wrap(DType.INT64, new int[] {s.length}, d)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{false}};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        return List.of(DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        return List.of(DisconnectedType.create());
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
