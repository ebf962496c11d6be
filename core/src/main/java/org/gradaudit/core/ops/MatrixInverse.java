package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Linalg;

/**
 * {@code X = A^-1} of a square matrix, by LU with partial pivoting (EJML).
 *
 * <p>L-op: {@code gA = -X^T gX X^T}; R-op: {@code dX = -X dA X}. Both follow from differentiating
 * {@code A X = I}: {@code dA X + A dX = 0} (Giles, "An extended collection of matrix derivative
 * results for forward and reverse mode AD", 2008, "inverse"). Built from X itself and Dot, so the
 * second derivative is the same rule again.
 *
 * <p>Errors, never NaN: a non-square input, and a matrix singular to working precision (an LU pivot
 * at most {@code n 2^-52 max|a_ij|}; see {@link Linalg}).
 */
public final class MatrixInverse extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable a) {
        return new MatrixInverse().makeNode(a).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return LinalgSupport.squareToSquare(this, inputs);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return LinalgSupport.squareToSquare(this, in[0], Linalg::inverse);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable xt = T.transpose(outputs.get(0));
        Variable g = T.neg(T.dot(T.dot(xt, outputGrads.get(0)), xt));
        return List.of(LinalgSupport.castLike(g, inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        Variable x = outputs.get(0);
        return List.of(LinalgSupport.castLike(T.neg(T.dot(T.dot(x, t), x)), x));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
