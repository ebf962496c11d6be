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
 * {@code x = solve(A, b)}: the x with {@code A x = b}, for a square A and b a vector (n,) or a
 * matrix (n, k), by LU with partial pivoting (EJML).
 *
 * <p>L-op: {@code gb = A^-T g}, {@code gA = -gb x^T}; R-op: {@code dx = A^-1 (db - dA x)}.
 * From {@code dA x + A dx = db} (Giles 2008, "linear equations"). Built from Solve, Dot and Outer, so
 * second derivatives compose.
 *
 * <p>Errors, never NaN: non-square A, mismatched rows of b, A singular to working precision.
 */
public final class Solve extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable a, Variable b) {
        return new Solve().makeNode(a, b).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType a = LinalgSupport.requireNdim(this, 0, inputs.get(0), 2, "a square matrix (n, n)");
        TensorType b = Errors.requireTensor(this, 1, inputs.get(1));
        if (b.ndim() != 1 && b.ndim() != 2) {
            throw new IllegalArgumentException(this + ": input 1 has ndim " + b.ndim() + " (type " + b
                    + "); a vector (n,) or a matrix (n, k) is required");
        }
        DType d = LinalgSupport.floatType(DType.upcast(a.dtype(), b.dtype()));
        return Apply.create(this, inputs, List.of(b.withDType(d)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = LinalgSupport.requireSquare(this, 0, in[0]);
        NDArray b = in[1];
        if (b.shape(0) != n) {
            throw new IllegalArgumentException(this + ": input 1 has shape " + Arrays.toString(b.shape())
                    + " and input 0 has shape " + Arrays.toString(in[0].shape()) + "; b must have " + n
                    + " rows, as many as A");
        }
        int k = b.ndim() == 2 ? b.shape(1) : 1;
        double[] r = Linalg.solve(in[0].unsafeData(), n, b.unsafeData(), k, LinalgSupport.who(this, 0, in[0]));
        DType d = LinalgSupport.floatType(DType.upcast(in[0].dtype(), b.dtype()));
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, b.shape(), r)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable a = inputs.get(0);
        Variable x = outputs.get(0);
        Variable gb = apply(T.transpose(a), outputGrads.get(0));
        Variable ga = T.neg(x.ndim() == 1 ? Outer.apply(gb, x) : T.dot(gb, T.transpose(x)));
        return List.of(LinalgSupport.castLike(ga, a), LinalgSupport.castLike(gb, inputs.get(1)));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable ta = evalPoints.get(0);
        Variable tb = evalPoints.get(1);
        Variable x = outputs.get(0);
        Variable rhs = DisconnectedType.is(tb) ? null : tb;
        if (!DisconnectedType.is(ta)) {
            Variable dax = T.dot(ta, x);
            rhs = rhs == null ? T.neg(dax) : T.sub(rhs, dax);
        }
        if (rhs == null) {
            return List.of(DisconnectedType.create());
        }
        return List.of(LinalgSupport.castLike(apply(inputs.get(0), rhs), x));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
