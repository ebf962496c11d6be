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
import org.gradaudit.core.tensor.Blas;
import org.gradaudit.core.tensor.Gemm;

/**
 * {@code dot(x, y)} for vectors and matrices: vector.vector is the inner product, matrix.vector and
 * vector.matrix contract the shared axis, matrix.matrix is the matrix product (EJML).
 *
 * <p>L-op with {@code gz} of the output's shape: {@code gx = gz . y^T} and {@code gy = x^T . gz},
 * with outer products where a vector meets a vector. R-op (bilinear):
 * {@code dot(tx, y) + dot(x, ty)}.
 */
public final class Dot extends Op {
    private static final long serialVersionUID = 1L;

    /**
     * {@code dot(x^T, y)} for a matrix x and a matrix y: made only by the compiler, from
     * {@code dot(transpose(x), y)}, so that the product reads x's columns instead of a transposed
     * copy (same bits). Not a user op; it has no gradient of its own.
     */
    private final boolean transposeX;

    public Dot() {
        this(false);
    }

    private Dot(boolean transposeX) {
        this.transposeX = transposeX;
    }

    /** The op computing {@code dot(x^T, y)} for matrices x and y (see {@link #isTransposed}). */
    public static Dot transposedX() {
        return new Dot(true);
    }

    /** True for {@code dot(x^T, y)}. */
    public boolean isTransposed() {
        return transposeX;
    }

    public static Variable apply(Variable x, Variable y) {
        return new Dot().makeNode(x, y).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType y = Errors.requireTensor(this, 1, inputs.get(1));
        if (transposeX) {
            if (x.ndim() != 2 || y.ndim() != 2) {
                throw new IllegalArgumentException(this + ": the transposed form takes two matrices, got ndim "
                        + x.ndim() + " and " + y.ndim());
            }
            x = new TensorType(x.dtype(), new boolean[] {x.broadcastable(1), x.broadcastable(0)});
        }
        for (int i = 0; i < 2; i++) {
            int nd = i == 0 ? x.ndim() : y.ndim();
            if (nd < 1 || nd > 2) {
                throw new IllegalArgumentException(this + ": input " + i + " has ndim " + nd
                        + "; dot takes vectors and matrices (use tensordot or batched matmul for others)");
            }
        }
        boolean[] b;
        if (x.ndim() == 1 && y.ndim() == 1) {
            b = new boolean[0];
        } else if (x.ndim() == 2 && y.ndim() == 1) {
            b = new boolean[] {x.broadcastable(0)};
        } else if (x.ndim() == 1) {
            b = new boolean[] {y.broadcastable(1)};
        } else {
            b = new boolean[] {x.broadcastable(0), y.broadcastable(1)};
        }
        return Apply.create(this, inputs, List.of(new TensorType(DType.upcast(x.dtype(), y.dtype()), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return performInto(in, new double[1][]);
    }

    @Override
    public NDArray[] performInto(NDArray[] in, double[][] buffers) {
        NDArray x = in[0];
        NDArray y = in[1];
        DType out = DType.upcast(x.dtype(), y.dtype());
        int[] xs = x.shape();
        if (transposeX) {
            xs = new int[] {xs[1], xs[0]};
        }
        int[] ys = y.shape();
        int kx = xs[xs.length - 1];
        int ky = ys[0];
        if (kx != ky) {
            throw new IllegalArgumentException(this + ": shapes " + Arrays.toString(xs) + " and "
                    + Arrays.toString(ys) + " are not aligned: " + kx + " (axis " + (xs.length - 1)
                    + " of input 0) != " + ky + " (axis 0 of input 1)");
        }
        int m = xs.length == 2 ? xs[0] : 1;
        int n = ys.length == 2 ? ys[1] : 1;
        double[] r;
        int[] os;
        if (xs.length == 1 && ys.length == 1) {
            r = new double[] {Blas.dotProduct(x.unsafeData(), y.unsafeData(), kx)};
            os = new int[0];
        } else {
            r = buffers[0] != null && buffers[0].length == m * n ? buffers[0] : new double[m * n];
            if (transposeX) {
                Gemm.gemmTransA(x.unsafeData(), y.unsafeData(), r, m, kx, n);
            } else {
                Gemm.gemm(x.unsafeData(), 0, y.unsafeData(), 0, r, 0, m, kx, n);
            }
            os = xs.length == 2 && ys.length == 2 ? new int[] {m, n} : xs.length == 2 ? new int[] {m} : new int[] {n};
        }
        out.coerceAll(r);
        return new NDArray[] {NDArray.wrap(out, os, r)};
    }

    /**
     * Recomputes the rows of the product whose row of x changed (the same kernel on the gathered
     * rows: an element's order of accumulation depends only on k and on whether the product has one
     * column) and the columns whose column of y changed ({@link Gemm#columns}, in the same order),
     * so the bits are {@link #perform}'s. A changed element of a vector operand moves every output
     * (null: perform), and so do changes over more than half of the output.
     */
    @Override
    public int[][] updateChanged(NDArray[] in, int[][] changed, double[][] out) {
        if (transposeX) {
            return null;
        }
        int[] xs = in[0].shape();
        int[] ys = in[1].shape();
        if ((xs.length == 1 && changed[0] != null) || (ys.length == 1 && changed[1] != null)) {
            return null;
        }
        int k = xs[xs.length - 1];
        int m = xs.length == 2 ? xs[0] : 1;
        int n = ys.length == 2 ? ys[1] : 1;
        int[] rows = changed[0] == null ? new int[0] : lines(changed[0], m, k, true);
        int[] cols = changed[1] == null ? new int[0] : lines(changed[1], n, n, false);
        if ((long) rows.length * n + (long) cols.length * m > (long) m * n / 2) {
            return null;
        }
        DType dtype = DType.upcast(in[0].dtype(), in[1].dtype());
        double[] a = in[0].unsafeData();
        double[] b = in[1].unsafeData();
        double[] c = out[0];
        int[] pos = new int[rows.length * n + m * cols.length];
        int count = 0;
        if (rows.length > 0) {
            double[] ar = new double[rows.length * k];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(a, rows[r] * k, ar, r * k, k);
            }
            double[] cr = Blas.gemm(ar, b, rows.length, k, n);
            for (int r = 0; r < rows.length; r++) {
                for (int j = 0; j < n; j++) {
                    c[rows[r] * n + j] = dtype.coerce(cr[r * n + j]);
                    pos[count++] = rows[r] * n + j;
                }
            }
        }
        if (cols.length > 0) {                          // n > 1 here
            Gemm.columns(a, b, c, m, k, n, cols);
            for (int i = 0; i < m; i++) {
                for (int j : cols) {
                    c[i * n + j] = dtype.coerce(c[i * n + j]);
                    pos[count++] = i * n + j;
                }
            }
        }
        return new int[][] {org.gradaudit.core.tensor.ElemwiseKernels.distinctSorted(pos, count)};
    }

    /** The distinct rows ({@code pos / width}) or columns ({@code pos % width}) of changed positions, ascending. */
    private static int[] lines(int[] positions, int count, int width, boolean rows) {
        boolean[] hit = new boolean[count];
        int distinct = 0;
        for (int pos : positions) {
            int line = rows ? pos / width : pos % width;
            if (!hit[line]) {
                hit[line] = true;
                distinct++;
            }
        }
        int[] r = new int[distinct];
        for (int i = 0, t = 0; i < count; i++) {
            if (hit[i]) {
                r[t++] = i;
            }
        }
        return r;
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        Variable gz = outputGrads.get(0);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX), T.cast(T.zerosLike(y), DType.FLOATX));
        }
        Variable gx;
        Variable gy;
        if (x.ndim() == 1 && y.ndim() == 1) {            // z = x.y, gz scalar
            gx = T.mul(gz, y);
            gy = T.mul(gz, x);
        } else if (x.ndim() == 2 && y.ndim() == 1) {     // z = X y
            gx = outer(gz, y);
            gy = apply(gz, x);
        } else if (x.ndim() == 1) {                      // z = x Y
            gx = apply(y, gz);
            gy = outer(x, gz);
        } else if (transposeX) {                         // Z = X^T Y
            gx = apply(y, T.transpose(gz));
            gy = apply(x, gz);
        } else {                                         // Z = X Y
            gx = apply(gz, T.transpose(y));
            gy = apply(T.transpose(x), gz);
        }
        return List.of(castLike(gx, x), castLike(gy, y));
    }

    private static Variable outer(Variable a, Variable b) {
        return apply(T.dimshuffle(a, 0, "x"), T.dimshuffle(b, "x", 0));
    }

    private static Variable castLike(Variable g, Variable x) {
        return x.dtype().isFloat() && g.dtype() != x.dtype() ? T.cast(g, x.dtype()) : g;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable tx = evalPoints.get(0);
        Variable ty = evalPoints.get(1);
        Variable r = null;
        if (!DisconnectedType.is(tx)) {
            r = new Dot(transposeX).makeNode(tx, inputs.get(1)).out();
        }
        if (!DisconnectedType.is(ty)) {
            Variable t = new Dot(transposeX).makeNode(inputs.get(0), ty).out();
            r = r == null ? t : T.add(r, t);
        }
        if (r == null || outputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(castLike(r, outputs.get(0)));
    }

    @Override
    protected Object[] props() {
        return transposeX ? new Object[] {"x transposed"} : new Object[0];
    }

    @Override
    public String toString() {
        return transposeX ? "Dot{x transposed}" : "Dot";
    }
}
