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
 * {@link Max} and {@link Min} over axes, and the one place their tie rule lives (also used by
 * {@link MaxAndArgmax}).
 *
 * <p><b>Tie rule</b> (Theano's and PyTensor's): the gradient is routed to every position equal to
 * the extremum, {@code m = eq(x, expand(y))}:
 * L-op {@code gx = expand(gz) * m}; R-op {@code ty = sum(t * m, axes)}, the sum of the tangents
 * at all tied positions. The R-op is the exact adjoint of the L-op ({@code <Jt, c> = <t, J^T c>}
 * holds at ties too), although at a tie neither is the derivative: max is not differentiable
 * there (its one-sided derivatives differ) and finite differences see only one of the tied
 * elements. Where the extremum is NaN, eq is false everywhere: the gradient is 0.
 * Empty reductions are errors (no identity), as in NumPy.
 */
public abstract class ExtremumReduction extends AxisReduction {
    private static final long serialVersionUID = 1L;

    private final boolean max;

    ExtremumReduction(boolean max, int[] axes) {
        super(axes);
        this.max = max;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return node(inputs, inputs.isEmpty() || !inputs.get(0).isTensor() ? DType.FLOATX : inputs.get(0).dtype());
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ReduceKernels.extremum(toString(), in[0], reduced(in[0].ndim()), max, in[0].dtype())[0]};
    }

    /** The tie mask {@code eq(x, expand(y))} in x's float dtype (floatX for integer x). */
    static Variable ties(Variable x, Variable y, boolean[] reduced) {
        DType d = x.dtype().isFloat() ? x.dtype() : DType.FLOATX;
        return T.cast(T.eq(x, expand(y, reduced)), d);
    }

    /** The L-op of the tie rule: {@code expand(gz) * ties}. */
    static Variable tieLop(Variable x, Variable y, Variable gz, boolean[] reduced) {
        return asGradOf(T.mul(expand(gz, reduced), ties(x, y, reduced)), x);
    }

    /** The R-op of the tie rule, the adjoint of {@link #tieLop}: {@code sum(t * ties, axes)}. */
    static Variable tieRop(Variable x, Variable y, Variable t, boolean[] reduced, int[] axes) {
        return Sum.apply(T.mul(t, ties(x, y, reduced)), axes);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        return List.of(tieLop(x, outputs.get(0), outputGrads.get(0), reduced(x.ndim())));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable x = inputs.get(0);
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || !x.dtype().isFloat()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(tieRop(x, outputs.get(0), t, reduced(x.ndim()), axes));
    }
}
