package org.gradaudit.core.ops;

import java.util.Arrays;
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
 * {@code (Q, R) = qr(A)}: the reduced QR factorization of A (m, n) with {@code m >= n}: Q (m, n)
 * with orthonormal columns, R (n, n) upper triangular with a positive diagonal, which makes the
 * factorization unique and smooth in A (Householder reflections, EJML, then signs flipped).
 *
 * <p>R-op with {@code C = Q^T dA R^-1} and {@code Omega = tril(C, -1) - tril(C, -1)^T}:
 * {@code dR = (C - Omega) R}, {@code dQ = dA R^-1 - Q (C - Omega)}. L-op with
 * {@code M = R gR^T - gQ^T Q}: {@code gA = (gQ + Q copyltu(M)) R^-T}, where
 * {@code copyltu(M) = tril(M) + tril(M, -1)^T}. Walter and Lehmann, "Algorithmic differentiation of
 * linear algebra functions with application in optimum experimental design", 2012 (forward);
 * Liao et al., "Differentiable programming tensor networks", arXiv:1903.09650
 * (reverse; PyTorch's reduced-QR backward has the same form). Q's
 * columns are orthonormal, so {@code Q^T dQ = Omega} is antisymmetric and {@code dR R^-1 = C - Omega}
 * upper triangular: that split determines both. The rules are defined for square and tall A only.
 *
 * <p>Errors, never NaN: fewer rows than columns; A not of full column rank to working precision.
 */
public final class QR extends Op {
    private static final long serialVersionUID = 1L;

    /** {@code [Q, R]}. */
    public static List<Variable> apply(Variable a) {
        return new QR().makeNode(a).outputs();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType a = LinalgSupport.requireNdim(this, 0, inputs.get(0), 2, "a matrix (m, n) with m >= n");
        DType d = LinalgSupport.floatType(a.dtype());
        return Apply.create(this, inputs, List.of(TensorType.of(d, 2), TensorType.of(d, 2)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] s = in[0].shape();
        if (s[0] < s[1]) {
            throw new IllegalArgumentException(this + ": input 0 has shape " + Arrays.toString(s)
                    + "; a square or tall matrix (m, n) with m >= n is required (the reduced QR of a wide"
                    + " matrix has no derivative rule here)");
        }
        Linalg.QR f = Linalg.qr(in[0].unsafeData(), s[0], s[1], LinalgSupport.who(this, 0, in[0]));
        DType d = LinalgSupport.floatType(in[0].dtype());
        double[] q = f.q();
        double[] r = f.r();
        d.coerceAll(q);
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, new int[] {s[0], s[1]}, q), NDArray.wrap(d, new int[] {s[1], s[1]}, r)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable q = outputs.get(0);
        Variable r = outputs.get(1);
        Variable gq = outputGrads.get(0);
        Variable gr = outputGrads.get(1);
        boolean hasQ = !DisconnectedType.is(gq);
        boolean hasR = !DisconnectedType.is(gr);
        if (!hasQ && !hasR) {
            return List.of(DisconnectedType.create());
        }
        Variable m = hasR ? T.dot(r, T.transpose(gr)) : null;
        if (hasQ) {
            Variable qq = T.dot(T.transpose(gq), q);
            m = m == null ? T.neg(qq) : T.sub(m, qq);
        }
        Variable x = T.dot(q, LinalgSupport.sym(m));
        if (hasQ) {
            x = T.add(gq, x);
        }
        Variable ga = LinalgSupport.solveRight(x, T.transpose(r));          // X R^-T
        return List.of(LinalgSupport.castLike(ga, inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create(), DisconnectedType.create());
        }
        Variable q = outputs.get(0);
        Variable r = outputs.get(1);
        Variable y = LinalgSupport.solveRight(t, r);                        // dA R^-1
        Variable c = T.dot(T.transpose(q), y);
        Variable low = TriangularPart.apply(c, 0);
        Variable upper = T.sub(c, T.sub(low, T.transpose(low)));           // C - Omega
        Variable dr = T.dot(upper, r);
        Variable dq = T.sub(y, T.dot(q, upper));
        return List.of(LinalgSupport.castLike(dq, q), LinalgSupport.castLike(dr, r));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
