package org.gradaudit.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {
    @Test
    void theSimdKernelIsInUseInTheTestJvm() {
        // surefire starts the JVM with spark-jvm.args, which adds jdk.incubator.vector
        assertTrue(Gemm.VECTORIZED, "expected the Vector API kernel (is --add-modules=jdk.incubator.vector set?)");
    }

    @Test
    void simdAndScalarProductsAreBitIdenticalAtAwkwardSizes() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] sizes = {{1, 1, 1}, {3, 5, 8}, {4, 7, 16}, {5, 9, 17}, {9, 33, 31}, {13, 64, 40}, {2, 0, 9}, {7, 3, 100}, {8, 5, 16}, {12, 11, 35}, {13, 600, 40}, {3, 300, 17}, {9, 1, 30}, {1, 1, 1}, {20, 40, 24}, {7, 30, 26}, {17, 12, 500}};
        for (int[] s : sizes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            double[] a = new double[m * k];
            double[] b = new double[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble() * 2 - 1;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextDouble() * 2 - 1;
            }
            double[] fast = Gemm.gemm(a, b, m, k, n);
            double[] slow = new double[m * n];
            Gemm.scalar(a, 0, b, 0, slow, 0, m, k, n);
            assertArrayEquals(slow, fast, 0.0, m + "x" + k + "x" + n);
            // and both equal the textbook sum to rounding
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double t = 0;
                    for (int p = 0; p < k; p++) {
                        t += a[i * k + p] * b[p * n + j];
                    }
                    assertEquals(t, fast[i * n + j], 1e-13);
                }
            }
        }
    }

    @Test
    void aLargeProductSplitAcrossThreadsEqualsTheSingleThreadedOne() {
        int m = 300;
        int k = 150;
        int n = 120;                                  // 5.4M multiply-adds: above the parallel threshold
        SplittableRandom r = new SplittableRandom(11);
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble() - 0.5;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextDouble() - 0.5;
        }
        double[] slow = new double[m * n];
        Gemm.scalar(a, 0, b, 0, slow, 0, m, k, n);
        assertArrayEquals(slow, Gemm.gemm(a, b, m, k, n), 0.0);
    }

    /** Fills with values in [-1, 1), a few of them exact zeros, negative zeros and large magnitudes. */
    private static double[] awkward(SplittableRandom r, int len) {
        double[] x = new double[len];
        for (int i = 0; i < len; i++) {
            int kind = r.nextInt(50);
            x[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0
                    : kind == 2 ? (r.nextDouble() - 0.5) * 1e12 : r.nextDouble() * 2 - 1;
        }
        return x;
    }

    private static void assertBitIdentical(SplittableRandom r, int m, int k, int n) {
        double[] a = awkward(r, m * k);
        double[] b = awkward(r, k * n);
        double[] slow = new double[m * n];
        Gemm.scalar(a, 0, b, 0, slow, 0, m, k, n);
        double[] fast = Gemm.gemm(a, b, m, k, n);
        for (int i = 0; i < slow.length; i++) {
            if (Double.doubleToRawLongBits(slow[i]) != Double.doubleToRawLongBits(fast[i])) {
                throw new AssertionError(m + "x" + k + "x" + n + ": element (" + i / n + ", " + i % n + ") is "
                        + fast[i] + ", the scalar loop gives " + slow[i]);
            }
        }
    }

    @Test
    void packedKernelEdgesAreBitIdentical() {
        // the packed kernel: micro-tiles of 8 rows x 3 vectors, k-blocks of 192, column blocks of up to
        // 512, row blocks of 1024; sizes around each of those edges (and around 256), for any vector width
        SplittableRandom r = new SplittableRandom(13);
        int[] ms = {8, 9, 15, 16, 17, 23, 24, 25, 31};
        int[] ns = {8, 9, 16, 17, 23, 24, 25, 31, 32, 40, 47, 48, 49, 55, 71, 72, 73};
        int[] ks = {2, 3, 191, 192, 193, 255, 256, 257, 385};
        for (int k : ks) {
            for (int m : ms) {
                for (int n : ns) {
                    assertBitIdentical(r, m, k, n);
                }
            }
        }
        // more than one column block (the blocks of equal width), more than one row block
        assertBitIdentical(r, 10, 300, 769);
        assertBitIdentical(r, 11, 200, 513);
        assertBitIdentical(r, 9, 20, 1600);
        assertBitIdentical(r, 1030, 7, 30);
        assertBitIdentical(r, 1025, 260, 9);
    }

    @Test
    void productsIntoOffsetRegionsLeaveTheRestAlone() {
        // C's region inside a larger array: the edge tiles must not write outside it
        SplittableRandom r = new SplittableRandom(17);
        for (int[] s : new int[][] {{13, 270, 37}, {8, 3, 8}, {17, 256, 25}, {3, 40, 20}}) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            double[] a = awkward(r, 5 + m * k);
            double[] b = awkward(r, 3 + k * n);
            double[] c = new double[11 + m * n + 13];
            java.util.Arrays.fill(c, 42.0);
            Gemm.gemm(a, 5, b, 3, c, 11, m, k, n);
            double[] slow = new double[m * n];
            Gemm.scalar(a, 5, b, 3, slow, 0, m, k, n);
            assertArrayEquals(slow, java.util.Arrays.copyOfRange(c, 11, 11 + m * n), 0.0, m + "x" + k + "x" + n);
            for (int i = 0; i < 11; i++) {
                assertEquals(42.0, c[i], 0.0);
            }
            for (int i = 11 + m * n; i < c.length; i++) {
                assertEquals(42.0, c[i], 0.0);
            }
        }
    }

    @Test
    void nonFiniteValuesPropagateAsInTheScalarLoop() {
        SplittableRandom r = new SplittableRandom(19);
        int m = 17;
        int k = 300;
        int n = 29;
        double[] a = awkward(r, m * k);
        double[] b = awkward(r, k * n);
        a[5 * k + 7] = Double.POSITIVE_INFINITY;
        a[16 * k + 299] = Double.NaN;
        b[3 * n + 28] = Double.NEGATIVE_INFINITY;
        double[] slow = new double[m * n];
        Gemm.scalar(a, 0, b, 0, slow, 0, m, k, n);
        assertArrayEquals(slow, Gemm.gemm(a, b, m, k, n), 0.0);
    }

    @Test
    void simdAndScalarInnerProductsAreBitIdentical() {
        SplittableRandom r = new SplittableRandom(5);
        for (int k : new int[] {0, 1, 7, 8, 15, 16, 17, 64, 500, 1001}) {
            double[] a = new double[k];
            double[] b = new double[k];
            for (int i = 0; i < k; i++) {
                a[i] = r.nextDouble() - 0.5;
                b[i] = r.nextDouble() - 0.5;
            }
            assertEquals(Gemm.scalarDot(a, 0, b, 0, k), Gemm.dot(a, 0, b, 0, k), 0.0, "k = " + k);
            double[] y = Gemm.gemm(a, b, 1, k, 1);                      // matrix-vector uses the same order
            assertEquals(Gemm.scalarDot(a, 0, b, 0, k), k == 0 ? 0.0 : y[0], 0.0, "k = " + k);
        }
    }
}
