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
 * {@code (w, V) = eigh(A)}: {@code S = V diag(w) V^T} with w ascending and V orthogonal, for the
 * symmetric matrix {@code S = E(A) = tril(A) + tril(A, -1)^T} of A's lower triangle (LAPACK's
 * syevd with uplo = 'L'; the strict upper triangle is not read). Sign convention: each column of V
 * has its largest-magnitude entry positive (the first on ties), so V is a function of A, and a
 * locally constant choice, so it is differentiable wherever the eigenvalues are distinct.
 *
 * <p>R-op with {@code P = V^T E(dA) V}: {@code dw = diag(P)}, {@code dV = V (F * P)}, where
 * {@code F_ij = 1/(w_j - w_i)} off the diagonal and 0 on it ({@link InverseGaps}). L-op:
 * {@code gA = E^T(V (diag(gw) + F * (V^T gV)) V^T)} with {@code E^T(S) = tril(S) + tril(S^T, -1)}.
 * Giles 2008 (eigenvalues and eigenvectors of a symmetric matrix); Seeger et al.,
 * "Auto-differentiating linear algebra", arXiv:1710.08717 (symmetric eigendecomposition).
 *
 * <p>Assumes distinct eigenvalues: the eigenvectors of a repeated eigenvalue are not unique and
 * have no derivative. The eigenvalues alone stay differentiable (the rule needs F only when gV or
 * dA's tangent reaches V); when F is needed at an exactly repeated eigenvalue, InverseGaps raises an
 * error; near a repeated eigenvalue F is large and the derivative ill-conditioned.
 */
public final class Eigh extends Op {
    private static final long serialVersionUID = 1L;

    /** {@code [w, V]}. */
    public static List<Variable> apply(Variable a) {
        return new Eigh().makeNode(a).outputs();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType a = LinalgSupport.requireNdim(this, 0, inputs.get(0), 2, "a square matrix (n, n)");
        DType d = LinalgSupport.floatType(a.dtype());
        return Apply.create(this, inputs, List.of(TensorType.of(d, 1), TensorType.of(d, 2)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = LinalgSupport.requireSquare(this, 0, in[0]);
        Linalg.Eigh e = Linalg.eigh(in[0].unsafeData(), n, LinalgSupport.who(this, 0, in[0]));
        DType d = LinalgSupport.floatType(in[0].dtype());
        double[] w = e.w();
        double[] v = e.v();
        d.coerceAll(w);
        d.coerceAll(v);
        return new NDArray[] {NDArray.wrap(d, new int[] {n}, w), NDArray.wrap(d, new int[] {n, n}, v)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable w = outputs.get(0);
        Variable v = outputs.get(1);
        Variable gw = outputGrads.get(0);
        Variable gv = outputGrads.get(1);
        Variable vt = T.transpose(v);
        Variable s = null;                                   // V (diag(gw) + F * (V^T gV)) V^T
        if (!DisconnectedType.is(gw)) {
            s = T.dot(T.mul(v, T.dimshuffle(gw, "x", 0)), vt);
        }
        if (!DisconnectedType.is(gv)) {
            Variable inner = T.mul(InverseGaps.apply(w), T.dot(vt, gv));
            Variable term = T.dot(T.dot(v, inner), vt);
            s = s == null ? term : T.add(s, term);
        }
        if (s == null) {
            return List.of(DisconnectedType.create());
        }
        return List.of(LinalgSupport.castLike(LinalgSupport.symAdjoint(s), inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create(), DisconnectedType.create());
        }
        Variable w = outputs.get(0);
        Variable v = outputs.get(1);
        Variable sv = T.dot(LinalgSupport.sym(t), v);                      // E(dA) V
        Variable dw = T.sum(T.mul(v, sv), 0);                              // diag(V^T E(dA) V)
        Variable dv = T.dot(v, T.mul(InverseGaps.apply(w), T.dot(T.transpose(v), sv)));
        return List.of(LinalgSupport.castLike(dw, w), LinalgSupport.castLike(dv, v));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
