package org.gradaudit.core.tensor;

/** Dense products. Arguments are only read; results are new arrays. */
public final class Blas {
    private Blas() {}

    /** {@code C = A B} for row-major A (m x k) and B (k x n); see {@link Gemm}. */
    public static double[] gemm(double[] a, double[] b, int m, int k, int n) {
        return Gemm.gemm(a, b, m, k, n);
    }

    /** {@code sum_i a[i] b[i]} in the canonical order of {@link Gemm#dot}. */
    public static double dotProduct(double[] a, double[] b, int n) {
        return Gemm.dot(a, 0, b, 0, n);
    }
}
