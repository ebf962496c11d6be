package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * {@code mean(x, axes) = sum(x, axes) / n}, n the number of elements per group (all axes when none
 * are given). Integer and bool inputs give floatX. Linear: the R-op is the mean of the tangent; the
 * L-op spreads {@code gz / n} over each group. An empty group gives NaN (0/0), as NumPy.
 */
public final class Mean extends AxisReduction {
    private static final long serialVersionUID = 1L;

    public Mean(int... axes) {
        super(axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Mean(normalize("Mean", x, axes)).makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        DType d = inputs.isEmpty() || !inputs.get(0).isTensor() ? DType.FLOATX : inputs.get(0).dtype();
        return node(inputs, d.isFloat() ? d : DType.FLOATX);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        DType d = in[0].dtype().isFloat() ? in[0].dtype() : DType.FLOATX;
        return new NDArray[] {ReduceKernels.mean(in[0], reduced(in[0].ndim()), d)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable gz = outputGrads.get(0);
        Variable n = groupSize(x, outputs.get(0).dtype());
        return List.of(asGradOf(T.fill(x, expand(T.trueDiv(gz, n), x.ndim())), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : makeNode(t).out());
    }
}
