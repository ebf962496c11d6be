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
 * {@code eyeLike(x)}: the n x n identity, n = x.size, in a float dtype. Only x's shape is read,
 * so x is not connected. The rows are the one-hot cotangents of a Jacobian.
 */
public final class EyeLike extends Op {
    private static final long serialVersionUID = 1L;

    private final DType dtype;

    public EyeLike(DType dtype) {
        this.dtype = dtype;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        Errors.requireTensor(this, 0, inputs.get(0));
        return Apply.create(this, inputs, List.of(TensorType.of(dtype, 2)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = in[0].size();
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1;
        }
        return new NDArray[] {NDArray.wrap(dtype, new int[] {n, n}, d)};
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
        return new Object[] {dtype};
    }
}
