package org.gradaudit.core.ops;

import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * What the blas and linalg ops share: input checks with messages naming the op, the dtype rule
 * (float inputs keep their dtype, integer and bool inputs give float64, as in NumPy's linalg) and
 * the symmetric embedding of a lower triangle used by Cholesky and Eigh.
 */
final class LinalgSupport {
    private LinalgSupport() {}

    /** The output dtype of a linalg op on dtype d. */
    static DType floatType(DType d) {
        return d.isFloat() ? d : DType.FLOAT64;
    }

    /** Input i's tensor type, required to have ndim {@code nd}. */
    static TensorType requireNdim(Object op, int i, Variable v, int nd, String what) {
        TensorType t = Errors.requireTensor(op, i, v);
        if (t.ndim() != nd) {
            throw new IllegalArgumentException(op + ": input " + i + " has ndim " + t.ndim() + " (type " + t
                    + "); " + what + " is required");
        }
        return t;
    }

    /** The side n of input i, required to be a square matrix (n, n). */
    static int requireSquare(Object op, int i, NDArray a) {
        if (a.ndim() != 2 || a.shape(0) != a.shape(1)) {
            throw new IllegalArgumentException(op + ": input " + i + " has shape " + Arrays.toString(a.shape())
                    + "; a square matrix (n, n) is required");
        }
        return a.shape(0);
    }

    /** "Op: input i (shape [..])", the start of a kernel's error message. */
    /** The node of a one-input op taking a square matrix to a square matrix of its float type. */
    static Apply squareToSquare(Op op, List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(op, 1, inputs.size());
        }
        TensorType a = requireNdim(op, 0, inputs.get(0), 2, "a square matrix (n, n)");
        return Apply.create(op, inputs, List.of(a.withDType(floatType(a.dtype()))));
    }

    /** A square matrix to square matrix kernel: {@code f(data, n, who)} returns the n x n result. */
    interface SquareKernel {
        double[] apply(double[] a, int n, String who);
    }

    /** Runs {@code f} on the square matrix input of {@code op} and coerces to its float type. */
    static NDArray[] squareToSquare(Op op, NDArray a, SquareKernel f) {
        int n = requireSquare(op, 0, a);
        double[] r = f.apply(a.unsafeData(), n, who(op, 0, a));
        DType d = floatType(a.dtype());
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, new int[] {n, n}, r)};
    }

    static String who(Object op, int i, NDArray a) {
        return op + ": input " + i + " (shape " + Arrays.toString(a.shape()) + ")";
    }

    /** g in x's dtype when x is float (float32 stays float32), else g as it is. */
    static Variable castLike(Variable g, Variable x) {
        return x.dtype().isFloat() && g.dtype() != x.dtype() ? T.cast(g, x.dtype()) : g;
    }

    /** {@code E(x) = tril(x) + tril(x, -1)^T}: the symmetric matrix a lower triangle stands for. */
    static Variable sym(Variable x) {
        return T.add(TriangularPart.apply(x, 1), T.transpose(TriangularPart.apply(x, 0)));
    }

    /** {@code E^T(s) = tril(s) + tril(s^T, -1)}, the adjoint of {@link #sym}: {@code <E(x), s> = <x, E^T(s)>}. */
    static Variable symAdjoint(Variable s) {
        return T.add(TriangularPart.apply(s, 1), TriangularPart.apply(T.transpose(s), 0));
    }

    /** {@code Phi(x) = tril(x, -1) + diag(x) / 2} (Murray 2016). */
    static Variable phi(Variable x) {
        return TriangularPart.apply(x, 0.5);
    }

    /** {@code A^-1 B}, with B a matrix or a vector. */
    static Variable solve(Variable a, Variable b) {
        return Solve.apply(a, b);
    }

    /** {@code B A^-1 = (A^-T B^T)^T} for a matrix B. */
    static Variable solveRight(Variable b, Variable a) {
        return T.transpose(Solve.apply(T.transpose(a), T.transpose(b)));
    }
}
