package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * {@code y_ij = x_ij} below the diagonal ({@code i > j}), {@code d x_ii} on it, 0 above, for an
 * (m, n) matrix: {@code d = 1} is NumPy's {@code tril(x)}, {@code d = 0} is {@code tril(x, -1)},
 * {@code d = 1/2} is Murray's {@code Phi} of the Cholesky derivative. A weighted mask, so linear and
 * self-adjoint: the R-op is the op on the tangent and the L-op the op on the cotangent.
 */
public final class TriangularPart extends Op {
    private static final long serialVersionUID = 1L;

    private final double diagonal;

    public TriangularPart(double diagonal) {
        this.diagonal = diagonal;
    }

    public static Variable apply(Variable x, double diagonal) {
        return new TriangularPart(diagonal).makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        return Apply.create(this, inputs, List.of(LinalgSupport.requireNdim(this, 0, inputs.get(0), 2, "a matrix")));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray x = in[0];
        int m = x.shape(0);
        int n = x.shape(1);
        double[] a = x.unsafeData();
        double[] r = new double[a.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i && j < n; j++) {
                r[i * n + j] = a[i * n + j];
            }
            if (i < n) {
                r[i * n + i] = diagonal * a[i * n + i];
            }
        }
        x.dtype().coerceAll(r);
        return new NDArray[] {NDArray.wrap(x.dtype(), x.shape(), r)};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (x.dtype().isDiscrete()) {                      // an integer-valued output: zero gradient
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        return List.of(LinalgSupport.castLike(makeNode(outputGrads.get(0)).out(), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || inputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(makeNode(t).out());
    }

    public double diagonal() { return diagonal; }

    @Override
    protected Object[] props() {
        return new Object[] {diagonal};
    }
}
