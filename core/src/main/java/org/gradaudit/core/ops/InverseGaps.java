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

/**
 * {@code F_ij = 1 / (w_j - w_i)} for {@code i != j}, {@code F_ii = 0}: the matrix of inverse
 * eigenvalue gaps in the eigenvector derivative of {@link Eigh}.
 *
 * <p>R-op: {@code dF_ij = (dw_i - dw_j) F_ij^2}; L-op with {@code H = G * F * F}:
 * {@code gw = sum(H, axis 1) - sum(H, axis 0)}.
 *
 * <p>Special case: two equal entries ({@code w_i == w_j}, i != j) make F infinite; the eigenvectors
 * of a repeated eigenvalue are not differentiable (not even unique), so perform raises an error
 * naming the entries instead of returning inf or NaN. Nearly equal entries give large but finite
 * values: the derivative is correct there, only ill-conditioned.
 */
public final class InverseGaps extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable w) {
        return new InverseGaps().makeNode(w).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType w = LinalgSupport.requireNdim(this, 0, inputs.get(0), 1, "a vector (n,) of eigenvalues");
        return Apply.create(this, inputs, List.of(new TensorType(LinalgSupport.floatType(w.dtype()),
                w.broadcastable(0), w.broadcastable(0))));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        double[] w = in[0].unsafeData();
        int n = w.length;
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                double gap = w[j] - w[i];
                if (gap == 0) {
                    throw new IllegalArgumentException(this + ": input 0 (shape [" + n + "]) has equal entries " + i
                            + " and " + j + " (" + w[i] + "): the derivative of the eigenvectors of a repeated"
                            + " eigenvalue is undefined; distinct eigenvalues are required");
                }
                f[i * n + j] = 1 / gap;
            }
        }
        DType d = LinalgSupport.floatType(in[0].dtype());
        d.coerceAll(f);
        return new NDArray[] {NDArray.wrap(d, new int[] {n, n}, f)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable f = outputs.get(0);
        Variable h = T.mul(outputGrads.get(0), T.mul(f, f));
        return List.of(LinalgSupport.castLike(T.sub(T.sum(h, 1), T.sum(h, 0)), inputs.get(0)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        Variable f = outputs.get(0);
        Variable diff = T.sub(T.dimshuffle(t, 0, "x"), T.dimshuffle(t, "x", 0));
        return List.of(LinalgSupport.castLike(T.mul(diff, T.mul(f, f)), f));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
