package org.gradaudit.core.tensor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Dense products on EJML. Arguments are only read; results are new arrays. */
public final class Blas {
    private Blas() {}

    /** {@code C = A B} for row-major A (m x k) and B (k x n). */
    public static double[] gemm(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        if (m == 0 || n == 0) {
            return c;
        }
        if (k == 0) {
            return c;
        }
        DMatrixRMaj am = DMatrixRMaj.wrap(m, k, a);
        DMatrixRMaj bm = DMatrixRMaj.wrap(k, n, b);
        DMatrixRMaj cm = DMatrixRMaj.wrap(m, n, c);
        CommonOps_DDRM.mult(am, bm, cm);
        return c;
    }

    /** {@code sum_i a[i] b[i]} in index order. */
    public static double dotProduct(double[] a, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
