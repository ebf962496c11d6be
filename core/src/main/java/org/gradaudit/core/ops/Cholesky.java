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
 * {@code L = cholesky(A)}: lower triangular with positive diagonal and {@code L L^T = S}, where
 * {@code S = E(A) = tril(A) + tril(A, -1)^T} is the symmetric matrix of A's lower triangle. Like
 * LAPACK's potrf with uplo = 'L', the strict upper triangle of A is not read, which makes the op a
 * function of every entry of A (constant in the upper ones), so finite differences in any direction
 * agree with its derivatives.
 *
 * <p>R-op: {@code dL = L Phi(L^-1 E(dA) L^-T)}; L-op: {@code gA = E^T(L^-T Phi(L^T gL) L^-1)},
 * where {@code Phi(X) = tril(X, -1) + diag(X)/2} and {@code E^T(S) = tril(S) + tril(S^T, -1)} is
 * E's adjoint. Murray, "Differentiation of the Cholesky decomposition", arXiv:1602.07527 (2016),
 * the forward-mode and reverse-mode rules; the L-op is the R-op's transpose because Phi is self-adjoint. The inverses are
 * Solve ops, so second derivatives compose.
 *
 * <p>Errors, never NaN: non-square input; a matrix that is not positive definite.
 */
public final class Cholesky extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable a) {
        return new Cholesky().makeNode(a).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return LinalgSupport.squareToSquare(this, inputs);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return LinalgSupport.squareToSquare(this, in[0], Linalg::cholesky);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable l = outputs.get(0);
        Variable lt = T.transpose(l);
        Variable p = LinalgSupport.phi(T.dot(lt, outputGrads.get(0)));
        Variable s = LinalgSupport.solveRight(LinalgSupport.solve(lt, p), l);      // L^-T P L^-1
        return List.of(LinalgSupport.castLike(LinalgSupport.symAdjoint(s), inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        Variable l = outputs.get(0);
        Variable x = LinalgSupport.solveRight(LinalgSupport.solve(l, LinalgSupport.sym(t)), T.transpose(l)); // L^-1 S L^-T
        return List.of(LinalgSupport.castLike(T.dot(l, LinalgSupport.phi(x)), l));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
