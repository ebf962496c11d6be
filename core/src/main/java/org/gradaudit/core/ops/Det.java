package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Linalg;

/**
 * {@code d = det(A)} of a square matrix (EJML: minor expansion up to 6 x 6, LU beyond); 1 for a
 * 0 x 0 matrix.
 *
 * <p>L-op: {@code gA = g d A^-T}; R-op: {@code dd = d tr(A^-1 dA) = d sum(A^-T * dA)} (Jacobi's
 * formula; Giles 2008, "determinant"). Built from {@link MatrixInverse}, so second derivatives
 * compose.
 *
 * <p>Special case: det of a singular matrix is a value (0, or a rounding residue), not an error;
 * but its gradient, the adjugate {@code d A^-T}, is formed through the inverse, so differentiating
 * at a matrix singular to working precision raises MatrixInverse's error instead of producing NaN.
 */
public final class Det extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable a) {
        return new Det().makeNode(a).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType a = LinalgSupport.requireNdim(this, 0, inputs.get(0), 2, "a square matrix (n, n)");
        return Apply.create(this, inputs, List.of(TensorType.of(LinalgSupport.floatType(a.dtype()), 0)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = LinalgSupport.requireSquare(this, 0, in[0]);
        DType dtype = LinalgSupport.floatType(in[0].dtype());
        return new NDArray[] {NDArray.scalar(dtype, Linalg.det(in[0].unsafeData(), n))};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable a = inputs.get(0);
        Variable g = T.mul(T.mul(outputGrads.get(0), outputs.get(0)), T.transpose(MatrixInverse.apply(a)));
        return List.of(LinalgSupport.castLike(g, a));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        Variable d = outputs.get(0);
        Variable trace = T.sum(T.mul(T.transpose(MatrixInverse.apply(inputs.get(0))), t));
        return List.of(LinalgSupport.castLike(T.mul(d, trace), d));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
