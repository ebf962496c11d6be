package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * {@link Argmax} and {@link Argmin}: the int64 position of the first extremum of each group,
 * counted in C order over the reduced axes (NumPy's argmax with the reduced axes moved last and
 * flattened; with one axis, the index along it). The first NaN wins. An index is not a
 * differentiable function of x: the output is not connected to the input (connection pattern
 * false), the gradient term and the R-op are {@link DisconnectedType}.
 */
public abstract class ArgExtremum extends AxisReduction {
    private static final long serialVersionUID = 1L;

    private final boolean max;

    ArgExtremum(boolean max, int[] axes) {
        super(axes);
        this.max = max;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return node(inputs, DType.INT64);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ReduceKernels.extremum(toString(), in[0], reduced(in[0].ndim()), max, in[0].dtype())[1]};
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
}
