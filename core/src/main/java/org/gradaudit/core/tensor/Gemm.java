package org.gradaudit.core.tensor;

/**
 * The matrix product {@code C = A B} (row-major A: m x k, B: k x n), the kernel behind dot,
 * tensordot and batched products.
 *
 * <p>Every element of a product with more than one column is accumulated the same way, {@code c = fma(a[i,p], b[p,j], c)} for p = 0..k-1
 * in order, starting from 0, so results are bit-identical whichever path runs: the SIMD kernel on
 * the Java Vector API ({@code jdk.incubator.vector}, used when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; any vector width gives the same bits) or the scalar
 * loop otherwise. That is what keeps distributed audits bit-identical across executors.
 */
public final class Gemm {
    private Gemm() {}

    /** True when the SIMD kernel is in use. */
    public static final boolean VECTORIZED = vectorApiAvailable();

    /**
     * Threads for large products: system property {@code gradaudit.gemm.threads}, default the
     * number of processors. Spark executors set it to 1 (conf/spark-defaults.conf), since Spark
     * already keeps every core busy. Rows are split between threads, each element is computed by
     * one thread in the same order: the result does not depend on the thread count.
     */
    public static final int THREADS = Math.max(1, Integer.getInteger("gradaudit.gemm.threads",
            Runtime.getRuntime().availableProcessors()));

    /** Products below this many multiply-adds run on the calling thread. */
    private static final long PARALLEL_MIN_FMAS = 1L << 21;

    private static boolean vectorApiAvailable() {
        if (Boolean.getBoolean("gradaudit.noVectorApi")) {
            return false;
        }
        try {
            Class.forName("jdk.incubator.vector.DoubleVector");
            return VectorGemm.selfTest();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code C = A B} into a new array. */
    public static double[] gemm(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        gemm(a, 0, b, 0, c, 0, m, k, n);
        return c;
    }

    /** {@code C = A B} with offsets into the arrays; C's region is overwritten. */
    public static void gemm(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            java.util.Arrays.fill(c, co, co + m * n, 0.0);
            return;
        }
        int threads = THREADS;
        if (threads > 1 && (long) m * k * n >= PARALLEL_MIN_FMAS && m >= 12 * threads) {
            int rowsPer = (m + threads - 1) / threads;
            rowsPer += (6 - rowsPer % 6) % 6;                  // whole 6-row blocks per thread
            java.util.List<java.util.concurrent.ForkJoinTask<?>> tasks = new java.util.ArrayList<>();
            for (int r0 = rowsPer; r0 < m; r0 += rowsPer) {
                int rows = Math.min(rowsPer, m - r0);
                int start = r0;
                tasks.add(java.util.concurrent.ForkJoinPool.commonPool().submit(
                        () -> serial(a, ao + start * k, b, bo, c, co + start * n, rows, k, n)));
            }
            serial(a, ao, b, bo, c, co, Math.min(rowsPer, m), k, n);     // the first rows on this thread
            for (java.util.concurrent.ForkJoinTask<?> t : tasks) {
                t.join();
            }
            return;
        }
        serial(a, ao, b, bo, c, co, m, k, n);
    }

    private static void serial(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        if (k == 1) {
            // an outer product: the one-step chain fma(a, b, +0). Not a * b + 0.0: a negative
            // product that underflows is -0.0 by fma and +0.0 by the sum
            for (int i = 0; i < m; i++) {
                double ai = a[ao + i];
                int ci = co + i * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = Math.fma(ai, b[bo + j], 0.0);
                }
            }
            return;
        }
        if (n == 1) {
            for (int i = 0; i < m; i++) {
                c[co + i] = dot(a, ao + i * k, b, bo, k);
            }
            return;
        }
        if (VECTORIZED && n >= 8) {
            VectorGemm.gemm(a, ao, b, bo, c, co, m, k, n);
        } else {
            scalar(a, ao, b, bo, c, co, m, k, n);
        }
    }

    /**
     * {@code sum_p a[ao + p] b[bo + p]} in the canonical order of inner products: eight partial
     * sums, partial r taking the terms p = r (mod 8) below the last multiple of 8 by fused
     * multiply-adds in increasing p; then ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); then
     * the remaining terms by fused multiply-adds in increasing p. The SIMD version computes the
     * same partial sums in vector lanes (whatever the vector width), so both agree bit for bit.
     * Used for matrix-vector products (n == 1), where the matrix kernel's order would leave SIMD idle.
     */
    public static double dot(double[] a, int ao, double[] b, int bo, int k) {
        if (VECTORIZED && k >= 16) {
            return VectorGemm.dot(a, ao, b, bo, k);
        }
        return scalarDot(a, ao, b, bo, k);
    }

    static double scalarDot(double[] a, int ao, double[] b, int bo, int k) {
        int k8 = k - k % 8;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        for (int p = 0; p < k8; p += 8) {
            s0 = Math.fma(a[ao + p], b[bo + p], s0);
            s1 = Math.fma(a[ao + p + 1], b[bo + p + 1], s1);
            s2 = Math.fma(a[ao + p + 2], b[bo + p + 2], s2);
            s3 = Math.fma(a[ao + p + 3], b[bo + p + 3], s3);
            s4 = Math.fma(a[ao + p + 4], b[bo + p + 4], s4);
            s5 = Math.fma(a[ao + p + 5], b[bo + p + 5], s5);
            s6 = Math.fma(a[ao + p + 6], b[bo + p + 6], s6);
            s7 = Math.fma(a[ao + p + 7], b[bo + p + 7], s7);
        }
        double s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (int p = k8; p < k; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        return s;
    }

    /** The reference loop: i, p, j order, fused multiply-add per element in increasing p. */
    static void scalar(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        java.util.Arrays.fill(c, co, co + m * n, 0.0);
        for (int i = 0; i < m; i++) {
            int ci = co + i * n;
            for (int p = 0; p < k; p++) {
                double aip = a[ao + i * k + p];
                int bp = bo + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    /**
     * Columns {@code cols} of {@code C = A B} for a product of n > 1 columns, written into
     * {@code c} (row-major m x n; the other columns are left alone), each element in the order of
     * {@link #gemm}: fma in increasing p from 0. Eight rows at a time, so that eight independent
     * chains hide the latency of the fused multiply-add.
     */
    public static void columns(double[] a, double[] b, double[] c, int m, int k, int n, int[] cols) {
        if (n < 2) {
            throw new IllegalArgumentException("a product of one column accumulates in the inner-product order");
        }
        double[] col = new double[k];
        for (int j : cols) {
            for (int p = 0; p < k; p++) {
                col[p] = b[p * n + j];
            }
            int i = 0;
            for (; i + 8 <= m; i += 8) {
                int r = i * k;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                double s4 = 0;
                double s5 = 0;
                double s6 = 0;
                double s7 = 0;
                for (int p = 0; p < k; p++) {
                    double bp = col[p];
                    s0 = Math.fma(a[r + p], bp, s0);
                    s1 = Math.fma(a[r + k + p], bp, s1);
                    s2 = Math.fma(a[r + 2 * k + p], bp, s2);
                    s3 = Math.fma(a[r + 3 * k + p], bp, s3);
                    s4 = Math.fma(a[r + 4 * k + p], bp, s4);
                    s5 = Math.fma(a[r + 5 * k + p], bp, s5);
                    s6 = Math.fma(a[r + 6 * k + p], bp, s6);
                    s7 = Math.fma(a[r + 7 * k + p], bp, s7);
                }
                c[i * n + j] = s0;
                c[(i + 1) * n + j] = s1;
                c[(i + 2) * n + j] = s2;
                c[(i + 3) * n + j] = s3;
                c[(i + 4) * n + j] = s4;
                c[(i + 5) * n + j] = s5;
                c[(i + 6) * n + j] = s6;
                c[(i + 7) * n + j] = s7;
            }
            for (; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[i * k + p], col[p], s);
                }
                c[i * n + j] = s;
            }
        }
    }

    /**
     * {@code C = A^T B} into {@code c} (m x n) for A stored k x m and B k x n, with the bits of
     * {@link #gemm} on the transposed A (each element's fma chain in increasing p): the packed
     * kernel gathers A's micro-panels from its columns instead of transposing it first. Small or
     * narrow products, and the scalar path, transpose into a temporary.
     */
    public static void gemmTransA(double[] a, double[] b, double[] c, int m, int k, int n) {
        if (!VECTORIZED || n < 8 || k < 2 || m < 2 * VectorGemm.MR) {
            double[] at = new double[m * k];
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) {
                    at[i * k + p] = a[p * m + i];
                }
            }
            gemm(at, 0, b, 0, c, 0, m, k, n);
            return;
        }
        int threads = THREADS;
        if (threads > 1 && (long) m * k * n >= PARALLEL_MIN_FMAS && m >= 12 * threads) {
            int rowsPer = (m + threads - 1) / threads;
            rowsPer += (VectorGemm.MR - rowsPer % VectorGemm.MR) % VectorGemm.MR;
            java.util.List<java.util.concurrent.ForkJoinTask<?>> tasks = new java.util.ArrayList<>();
            for (int r0 = rowsPer; r0 < m; r0 += rowsPer) {
                int rows = Math.min(rowsPer, m - r0);
                int start = r0;
                tasks.add(java.util.concurrent.ForkJoinPool.commonPool().submit(
                        () -> transARows(a, start, m, b, c, start * n, rows, k, n)));
            }
            transARows(a, 0, m, b, c, 0, Math.min(rowsPer, m), k, n);
            for (java.util.concurrent.ForkJoinTask<?> t : tasks) {
                t.join();
            }
            return;
        }
        transARows(a, 0, m, b, c, 0, m, k, n);
    }

    /** Rows {@code [ao, ao + rows)} of {@code A^T B}: the packed kernel when there is a whole micro-panel. */
    private static void transARows(double[] a, int ao, int lda, double[] b, double[] c, int co, int rows, int k, int n) {
        if (rows >= VectorGemm.MR) {
            VectorGemm.packedTransA(a, ao, lda, b, 0, c, co, rows, k, n);
            return;
        }
        double[] at = new double[rows * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < rows; i++) {
                at[i * k + p] = a[p * lda + ao + i];
            }
        }
        serial(at, 0, b, 0, c, co, rows, k, n);
    }
}
