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
