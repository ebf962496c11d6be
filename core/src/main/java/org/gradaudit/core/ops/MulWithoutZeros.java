package org.gradaudit.core.ops;

import java.util.ArrayList;
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
import org.gradaudit.core.tensor.ElemwiseKernels;

/**
 * Theano's {@code mul_without_zeros}, elementwise with broadcasting: {@code f(x, y) = y if x == 0,
 * x if y == 0, else x * y} — a zero operand acts as 1, except that two zeros give 0 (the op's
 * identity is 0, so that the product of an all-zero group is 0 and not 1). It is the binary op
 * that {@link ProdWithoutZeros} reduces with.
 *
 * <p>Partials, used by both modes (L-op {@code gx = sumToShape(gz * px, x)}, R-op
 * {@code tf = px tx + py ty}): {@code px = (y == 0 ? 1 : y)} where x != 0. At x == 0 the function
 * jumps in x (f(0, y) = y but f(eps, y) = eps y), so no derivative exists; we return 0 there, the
 * derivative of the constant 1 the zero stands for. Symmetrically for y. Theano defines no
 * gradient for this op; audit it away from zeros.
 */
public final class MulWithoutZeros extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x, Variable y) {
        return new MulWithoutZeros().makeNode(x, y).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        int nd = Math.max(Errors.requireTensor(this, 0, inputs.get(0)).ndim(), Errors.requireTensor(this, 1, inputs.get(1)).ndim());
        List<Variable> aligned = new ArrayList<>(2);
        boolean[] bc = new boolean[nd];
        java.util.Arrays.fill(bc, true);
        for (Variable x : inputs) {
            if (x.ndim() < nd) {
                Object[] pattern = new Object[nd];
                int lead = nd - x.ndim();
                for (int k = 0; k < nd; k++) {
                    pattern[k] = k < lead ? "x" : (Object) (k - lead);
                }
                x = T.dimshuffle(x, pattern);
            }
            boolean[] xb = x.broadcastable();
            for (int k = 0; k < nd; k++) {
                bc[k] &= xb[k];
            }
            aligned.add(x);
        }
        DType d = DType.upcast(aligned.get(0).dtype(), aligned.get(1).dtype());
        return Apply.create(this, aligned, List.of(new TensorType(d, bc)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ElemwiseKernels.map(toString(), new Kernel(), DType.upcast(in[0].dtype(), in[1].dtype()), in)};
    }

    private static final class Kernel implements ElemwiseKernels.RowKernel {
        @Override
        public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            double[] a = in[0];
            double[] b = in[1];
            int ia = off[0];
            int ib = off[1];
            for (int j = 0; j < n; j++, ia += st[0], ib += st[1]) {
                double x = a[ia];
                double y = b[ib];
                out[o + j] = x == 0 ? y : y == 0 ? x : x * y;
            }
        }
    }

    /** d f / d x (see the class comment): 0 where x == 0, else (y == 0 ? 1 : y). */
    private static Variable partial(Variable x, Variable y) {
        return T.switch_(T.eq(x, 0), 0, T.switch_(T.eq(y, 0), 1, y));
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX), T.cast(T.zerosLike(y), DType.FLOATX));
        }
        Variable gz = outputGrads.get(0);
        return List.of(AxisReduction.asGradOf(SumToShape.apply(T.mul(gz, partial(x, y)), x), x),
                AxisReduction.asGradOf(SumToShape.apply(T.mul(gz, partial(y, x)), y), y));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable f = outputs.get(0);
        if (f.dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        Variable sum = null;
        if (!DisconnectedType.is(evalPoints.get(0))) {
            sum = T.mul(evalPoints.get(0), partial(x, y));
        }
        if (!DisconnectedType.is(evalPoints.get(1))) {
            Variable ty = T.mul(evalPoints.get(1), partial(y, x));
            sum = sum == null ? ty : T.add(sum, ty);
        }
        return List.of(sum == null ? DisconnectedType.create() : T.fill(f, sum));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
