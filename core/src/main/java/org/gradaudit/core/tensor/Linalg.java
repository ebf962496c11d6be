package org.gradaudit.core.tensor;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.linsol.lu.LinearSolverLu_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Dense linear algebra on EJML for row-major {@code double[]} matrices. Arguments are only read
 * (EJML's decompositions overwrite their input, so each method decomposes a copy); results are new
 * arrays.
 *
 * <p>Failures are exceptions, never NaN: {@code who} (the op, the input and its shape) starts every
 * message. "Singular to working precision" means an LU pivot (or, for QR, a diagonal entry of R)
 * of magnitude at most {@code max(m, n) * 2^-52 * max|a_ij|}, MATLAB's rule for its "singular to
 * working precision" warning; an all-zero matrix is singular.
 */
public final class Linalg {
    private Linalg() {}

    private static final double EPS = Math.ulp(1.0);

    /** A symmetric eigendecomposition: eigenvalues ascending and eigenvectors as columns of {@code v}. */
    public record Eigh(double[] w, double[] v) {}

    /** A reduced QR factorization: q (m x n) with orthonormal columns and r (n x n) upper triangular. */
    public record QR(double[] q, double[] r) {}

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** An LU solver of {@code a} (n x n), or an error when a is singular to working precision. */
    private static LinearSolverLu_DDRM lu(double[] a, int n, String who) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(who + " has a non-finite entry (" + v + "); a finite matrix is required");
            }
        }
        LUDecompositionAlt_DDRM decomposition = new LUDecompositionAlt_DDRM();
        LinearSolverLu_DDRM solver = new LinearSolverLu_DDRM(decomposition);
        solver.setA(DMatrixRMaj.wrap(n, n, a.clone()));
        double[] lu = decomposition.getLU().data;
        double tol = n * EPS * maxAbs(a);
        for (int i = 0; i < n; i++) {
            double p = lu[i * n + i];
            if (Math.abs(p) <= tol) {
                throw new IllegalArgumentException(who + " is singular to working precision (pivot " + i
                        + " of its LU factorization is " + p + ", at most " + tol + " = n * 2^-52 * max|a_ij|)"
                        + "; an invertible matrix is required");
            }
        }
        return solver;
    }

    /** {@code A^-1} of a (n x n) by LU with partial pivoting. */
    public static double[] inverse(double[] a, int n, String who) {
        double[] out = new double[n * n];
        if (n == 0) {
            return out;
        }
        lu(a, n, who).invert(DMatrixRMaj.wrap(n, n, out));
        return out;
    }

    /** {@code X = A^-1 B} for a (n x n) and b (n x k) by LU with partial pivoting. */
    public static double[] solve(double[] a, int n, double[] b, int k, String who) {
        double[] out = new double[n * k];
        if (n == 0 || k == 0) {
            return out;
        }
        lu(a, n, who).solve(DMatrixRMaj.wrap(n, k, b.clone()), DMatrixRMaj.wrap(n, k, out));
        return out;
    }

    /** {@code det(A)} of a (n x n), by EJML (minor expansion up to 6 x 6, LU beyond); 1 for n = 0; 0 is allowed. */
    public static double det(double[] a, int n) {
        if (n == 0) {
            return 1;
        }
        return CommonOps_DDRM.det(DMatrixRMaj.wrap(n, n, a.clone()));
    }

    /**
     * {@code L} lower triangular with {@code L L^T = S}, where S is the symmetric matrix of a's lower
     * triangle ({@code S = tril(a) + tril(a, -1)^T}; the strict upper triangle of a is not read, as in
     * LAPACK's potrf with uplo = 'L').
     */
    public static double[] cholesky(double[] a, int n, String who) {
        double[] s = lowerSymmetric(a, n);
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (n > 0 && !chol.decompose(DMatrixRMaj.wrap(n, n, s))) {
            throw new IllegalArgumentException(who + " is not positive definite (its Cholesky factorization"
                    + " meets a non-positive pivot); a symmetric positive definite matrix is required");
        }
        double[] l = new double[n * n];
        if (n == 0) {
            return l;
        }
        double[] t = chol.getT(null).data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                l[i * n + j] = t[i * n + j];
            }
        }
        for (double v : l) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(who + " gives a non-finite Cholesky factor; a finite symmetric"
                        + " positive definite matrix is required");
            }
        }
        return l;
    }

    /**
     * The eigendecomposition {@code S = V diag(w) V^T} of the symmetric matrix of a's lower triangle,
     * eigenvalues ascending, each eigenvector of unit length with its largest-magnitude entry
     * positive (the first such entry on ties).
     */
    public static Eigh eigh(double[] a, int n, String who) {
        double[] w = new double[n];
        double[] v = new double[n * n];
        if (n == 0) {
            return new Eigh(w, v);
        }
        for (double x : a) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(who + " has a non-finite entry (" + x + "); a finite matrix is required");
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(DMatrixRMaj.wrap(n, n, lowerSymmetric(a, n)))) {
            throw new IllegalArgumentException(who + ": the symmetric QR algorithm did not converge");
        }
        Integer[] order = new Integer[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            values[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        for (int k = 0; k < n; k++) {
            int src = order[k];
            w[k] = values[src];
            double[] e = eig.getEigenVector(src).data;
            double norm = 0;
            int big = 0;
            for (int i = 0; i < n; i++) {
                norm += e[i] * e[i];
                if (Math.abs(e[i]) > Math.abs(e[big])) {
                    big = i;
                }
            }
            double scale = (e[big] < 0 ? -1 : 1) / Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                v[i * n + k] = e[i] * scale;
            }
        }
        return new Eigh(w, v);
    }

    /**
     * The reduced QR factorization {@code a = Q R} of a (m x n, m >= n) by Householder reflections,
     * signs chosen so that diag(R) > 0, which makes it unique; an error when a has not full column
     * rank to working precision.
     */
    public static QR qr(double[] a, int m, int n, String who) {
        double[] q = new double[m * n];
        double[] r = new double[n * n];
        if (n == 0) {
            return new QR(q, r);
        }
        for (double x : a) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(who + " has a non-finite entry (" + x + "); a finite matrix is required");
            }
        }
        QRDecomposition<DMatrixRMaj> dec = DecompositionFactory_DDRM.qr(m, n);
        dec.decompose(DMatrixRMaj.wrap(m, n, a.clone()));
        double[] qe = dec.getQ(null, true).data;
        double[] re = dec.getR(null, true).data;
        double tol = Math.max(m, n) * EPS * maxAbs(a);
        for (int k = 0; k < n; k++) {
            double d = re[k * n + k];
            if (Math.abs(d) <= tol) {
                throw new IllegalArgumentException(who + " does not have full column rank to working precision"
                        + " (R[" + k + ", " + k + "] = " + d + ", at most " + tol + " = max(m, n) * 2^-52 * max|a_ij|)"
                        + "; a matrix of full column rank is required");
            }
            double sign = d < 0 ? -1 : 1;
            for (int j = k; j < n; j++) {
                r[k * n + j] = sign * re[k * n + j];
            }
            for (int i = 0; i < m; i++) {
                q[i * n + k] = sign * qe[i * n + k];
            }
        }
        return new QR(q, r);
    }

    /** {@code tril(a) + tril(a, -1)^T}: the symmetric matrix a's lower triangle stands for. */
    public static double[] lowerSymmetric(double[] a, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                s[i * n + j] = a[i * n + j];
                s[j * n + i] = a[i * n + j];
            }
        }
        return s;
    }
}
