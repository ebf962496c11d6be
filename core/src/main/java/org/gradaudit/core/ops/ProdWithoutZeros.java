package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * {@code prodWithoutZeros(x, axes)}: the product of the non-zero elements of each group, 0 for a
 * group with none (all zeros, or empty): Theano's reduction by {@link MulWithoutZeros}, whose
 * identity is 0. Integer and bool inputs give int64. NaN counts as non-zero and propagates.
 *
 * <p>Gradient: as in Theano and PyTensor, not implemented ({@code grad_not_implemented}, "2nd
 * derivatives of product(a) is not currently supported"), both modes: a NullType variable saying
 * so. Mathematically the derivative exists away from zeros ({@code P / x_k}) but not at a zero,
 * where the function jumps (f(.., 0, ..) = P, f(.., eps, ..) = eps P). Theano needed this op
 * only inside prod's gradient; {@link Prod} here does without it.
 */
public final class ProdWithoutZeros extends AxisReduction {
    private static final long serialVersionUID = 1L;

    static final String WHY = "As in Theano and PyTensor, the gradient of ProdWithoutZeros is not implemented"
            + " (it jumps at zeros: f(..., 0, ...) is the product of the others, f(..., eps, ...) is eps times it)."
            + " For a product with exact zero handling and exact derivatives use T.prod.";

    public ProdWithoutZeros(int... axes) {
        super(axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new ProdWithoutZeros(normalize("ProdWithoutZeros", x, axes)).makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        DType d = inputs.isEmpty() || !inputs.get(0).isTensor() ? DType.FLOATX : inputs.get(0).dtype();
        return node(inputs, Sum.sumType(d));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ReduceKernels.prodWithoutZeros(in[0], reduced(in[0].ndim()), Sum.sumType(in[0].dtype()))};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        return List.of(Gradient.gradNotImplemented(this, 0, inputs.get(0), WHY));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        return List.of(Gradient.gradNotImplemented(this, 0, inputs.get(0), WHY));
    }
}
