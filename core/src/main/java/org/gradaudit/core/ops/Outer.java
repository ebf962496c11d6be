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
 * {@code outer(x, y)_ij = x_i y_j} for vectors x (m,) and y (n,).
 *
 * <p>L-op with {@code G} (m, n): {@code gx = G y}, {@code gy = G^T x}. R-op (bilinear):
 * {@code outer(tx, y) + outer(x, ty)}.
 */
public final class Outer extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x, Variable y) {
        return new Outer().makeNode(x, y).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = LinalgSupport.requireNdim(this, 0, inputs.get(0), 1, "a vector");
        TensorType y = LinalgSupport.requireNdim(this, 1, inputs.get(1), 1, "a vector");
        return Apply.create(this, inputs, List.of(new TensorType(DType.upcast(x.dtype(), y.dtype()),
                x.broadcastable(0), y.broadcastable(0))));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        double[] x = in[0].unsafeData();
        double[] y = in[1].unsafeData();
        int m = x.length;
        int n = y.length;
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            for (int j = 0; j < n; j++) {
                r[i * n + j] = xi * y[j];
            }
        }
        DType d = DType.upcast(in[0].dtype(), in[1].dtype());
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, new int[] {m, n}, r)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX), T.cast(T.zerosLike(y), DType.FLOATX));
        }
        Variable g = outputGrads.get(0);
        return List.of(LinalgSupport.castLike(T.dot(g, y), x), LinalgSupport.castLike(T.dot(x, g), y));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable tx = evalPoints.get(0);
        Variable ty = evalPoints.get(1);
        Variable r = DisconnectedType.is(tx) ? null : apply(tx, inputs.get(1));
        if (!DisconnectedType.is(ty)) {
            Variable t = apply(inputs.get(0), ty);
            r = r == null ? t : T.add(r, t);
        }
        if (r == null || outputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(LinalgSupport.castLike(r, outputs.get(0)));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
