package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * {@link All} and {@link Any}: whether all / any elements of each group are non-zero (NaN is
 * non-zero), a bool output. An empty group gives true for all, false for any (NumPy). Not
 * differentiable: not connected (connection pattern false), gradient and R-op disconnected.
 */
public abstract class BoolReduction extends AxisReduction {
    private static final long serialVersionUID = 1L;

    private final boolean all;

    BoolReduction(boolean all, int[] axes) {
        super(axes);
        this.all = all;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return node(inputs, DType.BOOL);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ReduceKernels.allAny(in[0], reduced(in[0].ndim()), all)};
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
