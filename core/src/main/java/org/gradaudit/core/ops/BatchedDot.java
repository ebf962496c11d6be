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
import org.gradaudit.core.tensor.TensorProducts;

/**
 * {@code batchedDot(a, b)[t] = a[t] b[t]}: a stack of matrix products, (B, m, k) x (B, k, n) ->
 * (B, m, n) (Theano's {@code batched_dot}, NumPy's {@code matmul} without broadcasting of the batch).
 *
 * <p>L-op with {@code G} (B, m, n): {@code ga[t] = G[t] b[t]^T}, {@code gb[t] = a[t]^T G[t]}, i.e.
 * batched products with the last two axes swapped. R-op (bilinear):
 * {@code batchedDot(ta, b) + batchedDot(a, tb)}.
 */
public final class BatchedDot extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable a, Variable b) {
        return new BatchedDot().makeNode(a, b).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType a = LinalgSupport.requireNdim(this, 0, inputs.get(0), 3, "a stack of matrices (B, m, k)");
        TensorType b = LinalgSupport.requireNdim(this, 1, inputs.get(1), 3, "a stack of matrices (B, k, n)");
        return Apply.create(this, inputs, List.of(new TensorType(DType.upcast(a.dtype(), b.dtype()),
                a.broadcastable(0) && b.broadcastable(0), a.broadcastable(1), b.broadcastable(2))));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] as = in[0].shape();
        int[] bs = in[1].shape();
        if (as[0] != bs[0] || as[2] != bs[1]) {
            throw new IllegalArgumentException(this + ": shapes " + Arrays.toString(as) + " and " + Arrays.toString(bs)
                    + " are not aligned; (B, m, k) and (B, k, n) are required (same batch B on axis 0, and axis 2"
                    + " of input 0 equal to axis 1 of input 1)");
        }
        double[] r = TensorProducts.batchedGemm(in[0].unsafeData(), in[1].unsafeData(), as[0], as[1], as[2], bs[2]);
        DType d = DType.upcast(in[0].dtype(), in[1].dtype());
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, new int[] {as[0], as[1], bs[2]}, r)};
    }

    private static Variable swapLast(Variable x) {
        return T.dimshuffle(x, 0, 2, 1);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable a = inputs.get(0);
        Variable b = inputs.get(1);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(a), DType.FLOATX), T.cast(T.zerosLike(b), DType.FLOATX));
        }
        Variable g = outputGrads.get(0);
        Variable ga = apply(g, swapLast(b));
        Variable gb = apply(swapLast(a), g);
        return List.of(LinalgSupport.castLike(ga, a), LinalgSupport.castLike(gb, b));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable ta = evalPoints.get(0);
        Variable tb = evalPoints.get(1);
        Variable r = DisconnectedType.is(ta) ? null : apply(ta, inputs.get(1));
        if (!DisconnectedType.is(tb)) {
            Variable t = apply(inputs.get(0), tb);
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
