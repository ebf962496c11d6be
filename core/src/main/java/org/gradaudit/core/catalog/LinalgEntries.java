package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.EyeLike;
import org.gradaudit.core.ops.InverseGaps;
import org.gradaudit.core.ops.TriangularPart;

/**
 * Catalogue entries of the linalg family.
 *
 * <p>Audit domains keep every matrix well-conditioned inside the builder, from free inputs drawn
 * from [-1, 1): {@code M + n I} for inverse and solve, and {@code I + M / n} for det (strictly diagonally dominant, so
 * invertible with eigenvalues in discs around n of radius below n - 1 and typically far from 0);
 * {@code M M^T + n I} for Cholesky (eigenvalues at least n); {@code (M + M^T)/2 + diag(2, 4, ...,
 * 2n)} for eigh (by Weyl's inequality each eigenvalue stays within ||(M + M^T)/2||_2 of its
 * diagonal entry; gaps of 2 keep them apart for the seeded draws) and {@code M + n I_(m x n)} for
 * QR (full column rank). The builders build n and I from the input's shape (EyeLike, sums), so one
 * builder serves every shape. Each float32 reference rounds the intermediate matrix to float32 as
 * the graph does, then solves in double.
 *
 * <p>References are computed differently from the ops: Gauss-Jordan elimination (inverse, solve),
 * Laplace expansion (det), the Cholesky-Banachiewicz loops (cholesky), cyclic Jacobi rotations
 * (eigh) and modified Gram-Schmidt (QR); the ops use EJML's LU, Cholesky, symmetric QR algorithm
 * and Householder QR.
 *
 * <p>Multi-output ops have one entry per output (the other output is disconnected, which also
 * checks that rule's treatment of a disconnected output gradient): {@code eigh_values} (w) and
 * {@code eigh_vectors} ({@code V * V}: elementwise squares are independent of the sign convention,
 * so the entry checks the rule, not the convention; the raw V is checked in the linalg tests),
 * {@code qr_q} and {@code qr_r} (the factorization with diag(R) > 0 is unique, so Q and R are
 * checked as they are).
 */
final class LinalgEntries {
    private LinalgEntries() {}

    private static final int[][] SQUARE = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(square(CatalogEntry.builder("matrix_inverse", "linalg", in -> T.matrixInverse(shifted(in.get(0))))
                .input(std).reference(in -> gaussJordanInverse(shiftedRef(in[0]), in[0].shape(0)))
                .note("inv(M + n I), M from [-1, 1): strictly diagonally dominant")));
        r.add(square(CatalogEntry.builder("det", "linalg", in -> T.det(shiftedScaled(in.get(0))))
                .input(std).reference(in -> new double[] {laplaceDet(shiftedScaledRef(in[0]), in[0].shape(0))})
                .note("det(I + M / n), M from [-1, 1): strictly diagonally dominant, and det near 1 so that"
                        + " float32 finite differences resolve it (det(M + n I) ~ n^n is resolved to only"
                        + " ~1e-7 n^n, an error of ~n^n 2e-4 in a float32 difference quotient)")));
        r.add(CatalogEntry.builder("solve", "linalg", in -> T.solve(shifted(in.get(0)), in.get(1)))
                .input(std).input(std)
                .shapes(new int[] {3, 3}, new int[] {3})
                .shapes(new int[] {4, 4}, new int[] {4, 2})
                .shapes(new int[] {2, 2}, new int[] {2, 3})
                .shapes(new int[] {1, 1}, new int[] {1})
                .reference(in -> gaussJordanSolve(shiftedRef(in[0]), in[0].shape(0), in[1].toDoubleArray(),
                        in[1].ndim() == 2 ? in[1].shape(1) : 1))
                .note("solve(M + n I, b), M and b from [-1, 1): a vector or a matrix of right-hand sides").build());
        r.add(square(CatalogEntry.builder("cholesky", "linalg", in -> T.cholesky(gram(in.get(0))))
                .input(std).reference(in -> choleskyRef(gramRef(in[0]), in[0].shape(0)))
                .note("cholesky(M M^T + n I), M from [-1, 1): eigenvalues at least n")));
        r.add(square(CatalogEntry.builder("eigh_values", "linalg", in -> T.eigh(separated(in.get(0))).get(0))
                .input(std).reference(in -> jacobiEigh(separatedRef(in[0]), in[0].shape(0), false))
                .note("w of eigh((M + M^T)/2 + diag(2, 4, ..., 2n)): distinct, well separated eigenvalues")));
        r.add(square(CatalogEntry.builder("eigh_vectors", "linalg", in -> {
                    Variable v = T.eigh(separated(in.get(0))).get(1);
                    return T.mul(v, v);
                }).input(std).reference(in -> jacobiEigh(separatedRef(in[0]), in[0].shape(0), true))
                .note("V * V of eigh((M + M^T)/2 + diag(2, 4, ..., 2n)): squares do not depend on the sign"
                        + " convention; well separated eigenvalues keep 1/(w_j - w_i) moderate")));
        int[][] qrShapes = {{3, 3}, {4, 3}, {5, 2}, {2, 1}};
        r.add(shapes(CatalogEntry.builder("qr_q", "linalg", in -> T.qr(shiftedRect(in.get(0))).get(0))
                .input(std).reference(in -> gramSchmidt(shiftedRectRef(in[0]), in[0].shape(0), in[0].shape(1), true))
                .note("Q of qr(M + n I_(m x n)), M (m, n) from [-1, 1), m >= n: full column rank"), qrShapes));
        r.add(shapes(CatalogEntry.builder("qr_r", "linalg", in -> T.qr(shiftedRect(in.get(0))).get(1))
                .input(std).reference(in -> gramSchmidt(shiftedRectRef(in[0]), in[0].shape(0), in[0].shape(1), false))
                .note("R of qr(M + n I_(m x n)), M (m, n) from [-1, 1), m >= n: full column rank"), qrShapes));
        r.add(CatalogEntry.builder("triangular_part", "linalg", in -> TriangularPart.apply(in.get(0), 0.5))
                .input(std).shapes(new int[] {3, 3}).shapes(new int[] {4, 2}).shapes(new int[] {2, 4})
                .reference(in -> {
                    int m = in[0].shape(0);
                    int n = in[0].shape(1);
                    double[] out = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            out[i * n + j] = i > j ? in[0].get(i, j) : i == j ? 0.5 * in[0].get(i, j) : 0;
                        }
                    }
                    return out;
                }).note("Phi(x) = tril(x, -1) + diag(x)/2, the mask of the Cholesky rules").build());
        r.add(CatalogEntry.builder("inverse_gaps", "linalg", in -> InverseGaps.apply(spread(in.get(0))))
                .input(std).shapes(new int[] {3}).shapes(new int[] {5}).shapes(new int[] {1})
                .reference(in -> {
                    int n = in[0].size();
                    DType d = in[0].dtype();
                    double[] w = new double[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = d.coerce(d.coerce(0.5 * in[0].getFlat(i)) + 2.0 * (i + 1));
                    }
                    double[] out = new double[n * n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            out[i * n + j] = i == j ? 0 : 1 / (w[j] - w[i]);
                        }
                    }
                    return out;
                }).note("F_ij = 1/(w_j - w_i) of w = x/2 + (2, 4, ..., 2n), x from [-1, 1): gaps at least 1").build());
        return r;
    }

    private static CatalogEntry square(CatalogEntry.Builder b) {
        return shapes(b, SQUARE);
    }

    private static CatalogEntry shapes(CatalogEntry.Builder b, int[][] shapes) {
        for (int[] s : shapes) {
            b.shapes(s);
        }
        return b.build();
    }

    // ---- builders: well-conditioned matrices from a free one, for any n ----

    /** The n x n identity for a square m, in m's dtype (only m's shape is read). */
    private static Variable eye(Variable m) {
        return new EyeLike(m.dtype()).makeNode(T.sum(m, 0)).out();
    }

    /** {@code M + n I}. */
    private static Variable shifted(Variable m) {
        Variable i = eye(m);
        return T.add(m, T.mul(i, T.sum(i)));
    }

    /** {@code (M + n I) / n}. */
    private static Variable shiftedScaled(Variable m) {
        Variable i = eye(m);
        Variable n = T.sum(i);
        return T.div(T.add(m, T.mul(i, n)), n);
    }

    /** {@code M M^T + n I}. */
    private static Variable gram(Variable m) {
        Variable i = eye(m);
        return T.add(T.dot(m, T.transpose(m)), T.mul(i, T.sum(i)));
    }

    /** {@code (2, 4, ..., 2n)} as a column times I: {@code diag(2, 4, ..., 2n)}, plus {@code (M + M^T)/2}. */
    private static Variable separated(Variable m) {
        Variable i = eye(m);
        Variable steps = T.sum(TriangularPart.apply(T.onesLike(m), 1), 1);          // (1, 2, ..., n)
        Variable d = T.mul(i, T.mul(T.dimshuffle(steps, 0, "x"), 2.0));
        return T.add(T.mul(T.add(m, T.transpose(m)), 0.5), d);
    }

    /** {@code M + n I_(m x n)} for m >= n, with {@code I_(m x n)} the rectangular identity. */
    private static Variable shiftedRect(Variable m) {
        Variable ones = T.onesLike(m);
        Variable i = T.sub(TriangularPart.apply(ones, 1), TriangularPart.apply(ones, 0));
        return T.add(m, T.mul(i, T.sum(i)));
    }

    /** {@code x/2 + (2, 4, ..., 2n)}. */
    private static Variable spread(Variable x) {
        Variable ones = T.onesLike(x);
        Variable square = T.mul(T.dimshuffle(ones, 0, "x"), T.dimshuffle(ones, "x", 0));
        Variable steps = T.sum(TriangularPart.apply(square, 1), 1);
        return T.add(T.mul(x, 0.5), T.mul(steps, 2.0));
    }

    // ---- the same matrices for references, rounded to the input's dtype where the graph rounds ----

    private static double[] shiftedRef(NDArray m) {
        int n = m.shape(0);
        DType d = m.dtype();
        double[] a = m.toDoubleArray();
        for (int i = 0; i < n; i++) {
            a[i * n + i] = d.coerce(a[i * n + i] + n);
        }
        return a;
    }

    private static double[] shiftedScaledRef(NDArray m) {
        int n = m.shape(0);
        double[] a = shiftedRef(m);
        for (int i = 0; i < a.length; i++) {
            a[i] = m.dtype().coerce(a[i] / n);
        }
        return a;
    }

    private static double[] gramRef(NDArray m) {
        int n = m.shape(0);
        DType d = m.dtype();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += m.get(i, k) * m.get(j, k);
                }
                a[i * n + j] = d.coerce(d.coerce(s) + (i == j ? n : 0));
            }
        }
        return a;
    }

    private static double[] separatedRef(NDArray m) {
        int n = m.shape(0);
        DType d = m.dtype();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = d.coerce(d.coerce(m.get(i, j) + m.get(j, i)) * 0.5);
                a[i * n + j] = d.coerce(s + (i == j ? 2.0 * (i + 1) : 0));
            }
        }
        return a;
    }

    private static double[] shiftedRectRef(NDArray m) {
        int cols = m.shape(1);
        DType d = m.dtype();
        double[] a = m.toDoubleArray();
        for (int i = 0; i < cols; i++) {
            a[i * cols + i] = d.coerce(a[i * cols + i] + cols);
        }
        return a;
    }

    // ---- independent references ----

    /** Gauss-Jordan elimination with partial pivoting on [A | I]. */
    static double[] gaussJordanInverse(double[] a, int n) {
        double[] id = new double[n * n];
        for (int i = 0; i < n; i++) {
            id[i * n + i] = 1;
        }
        return gaussJordanSolve(a, n, id, n);
    }

    /** Gauss-Jordan elimination with partial pivoting on [A | B], B (n, k). */
    static double[] gaussJordanSolve(double[] a0, int n, double[] b0, int k) {
        double[] a = a0.clone();
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i * n + c]) > Math.abs(a[p * n + c])) {
                    p = i;
                }
            }
            swapRows(a, n, c, p);
            swapRows(b, k, c, p);
            double piv = a[c * n + c];
            for (int j = 0; j < n; j++) {
                a[c * n + j] /= piv;
            }
            for (int j = 0; j < k; j++) {
                b[c * k + j] /= piv;
            }
            for (int i = 0; i < n; i++) {
                if (i == c) {
                    continue;
                }
                double f = a[i * n + c];
                for (int j = 0; j < n; j++) {
                    a[i * n + j] -= f * a[c * n + j];
                }
                for (int j = 0; j < k; j++) {
                    b[i * k + j] -= f * b[c * k + j];
                }
            }
        }
        return b;
    }

    private static void swapRows(double[] x, int w, int r, int s) {
        if (r == s) {
            return;
        }
        for (int j = 0; j < w; j++) {
            double t = x[r * w + j];
            x[r * w + j] = x[s * w + j];
            x[s * w + j] = t;
        }
    }

    /** Laplace expansion along the first row. */
    static double laplaceDet(double[] a, int n) {
        if (n == 0) {
            return 1;
        }
        if (n == 1) {
            return a[0];
        }
        double det = 0;
        double[] minor = new double[(n - 1) * (n - 1)];
        for (int c = 0; c < n; c++) {
            int t = 0;
            for (int i = 1; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (j != c) {
                        minor[t++] = a[i * n + j];
                    }
                }
            }
            det += (c % 2 == 0 ? 1 : -1) * a[c] * laplaceDet(minor.clone(), n - 1);
        }
        return det;
    }

    /** Cholesky-Banachiewicz, row by row, reading the lower triangle. */
    static double[] choleskyRef(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = i == j ? Math.sqrt(s) : s / l[j * n + j];
            }
        }
        return l;
    }

    /**
     * Cyclic Jacobi rotations on a symmetric matrix: the eigenvalues ascending, or the elementwise
     * squares of the unit eigenvectors (as columns, in the same order).
     */
    static double[] jacobiEigh(double[] a0, int n, boolean squaredVectors) {
        double[] a = a0.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (off < 1e-32) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {               // A <- A J (columns p, q)
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {               // A <- J^T A (rows p, q)
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {               // V <- V J
                        double vkp = v[k * n + p];
                        double vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = a[i * n + i];
        }
        Arrays.sort(order, (p, q) -> Double.compare(diag[p], diag[q]));
        if (!squaredVectors) {
            double[] w = new double[n];
            for (int k = 0; k < n; k++) {
                w[k] = diag[order[k]];
            }
            return w;
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double x = v[i * n + order[k]];
                out[i * n + k] = x * x;
            }
        }
        return out;
    }

    /** Modified Gram-Schmidt on the columns of a (m, n): Q (m, n) or R (n, n), diag(R) > 0. */
    static double[] gramSchmidt(double[] a, int m, int n, boolean wantQ) {
        double[] q = new double[m * n];
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = a[i * n + j];
            }
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += q[i * n + p] * v[i];
                }
                r[p * n + j] = dot;
                for (int i = 0; i < m; i++) {
                    v[i] -= dot * q[i * n + p];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            r[j * n + j] = norm;
            for (int i = 0; i < m; i++) {
                q[i * n + j] = v[i] / norm;
            }
        }
        return wantQ ? q : r;
    }
}
