package org.gradaudit.core.tensor;

/** Dense products. Arguments are only read; results are new arrays. */
public final class Blas {
    private Blas() {}

    /** {@code C = A B} for row-major A (m x k) and B (k x n); see {@link Gemm}. */
    public static double[] gemm(double[] a, double[] b, int m, int k, int n) {
        return Gemm.gemm(a, b, m, k, n);
    }

    /** {@code sum_i a[i] b[i]}, fused multiply-adds in index order (as {@link Gemm} accumulates). */
    public static double dotProduct(double[] a, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.fma(a[i], b[i], s);
        }
        return s;
    }
}
