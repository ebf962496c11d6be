package org.gradaudit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Row and column blocks of a Jacobian reassemble core's jacobian, whatever the block size. */
class JacobianBlocksTest {
    private static NDArray random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() - 0.5;
        }
        return NDArray.of(DType.FLOAT64, shape, d);
    }

    private static void check(List<Variable> inputs, Variable y, Variable x, NDArray... values) {
        Variable j = Gradient.jacobian(y, List.of(x), GradOptions.builder()
                .disconnectedInputs(DisconnectedInputs.IGNORE).build(), true).get(0);
        NDArray full = Function.compile(inputs, j).call1(values);
        int xi = inputs.indexOf(x);
        int n = values[xi].size();
        int m = full.size() / Math.max(n, 1);
        double[] expected = full.toDoubleArray();
        JacobianBlocks blocks = JacobianBlocks.of(inputs, y, x);
        for (int block : new int[] {1, 3, 7, 64}) {
            double[] byRows = new double[m * n];
            for (int r0 = 0; r0 < m; r0 += block) {
                NDArray b = blocks.rows(values, r0, block);
                assertArrayEquals(new int[] {Math.min(block, m - r0), n}, b.shape());
                System.arraycopy(b.unsafeData(), 0, byRows, r0 * n, b.size());
            }
            assertClose(expected, byRows, "rows, block " + block);
            double[] byCols = new double[m * n];
            for (int c0 = 0; c0 < n; c0 += block) {
                NDArray b = blocks.columns(values, c0, block);
                int w = Math.min(block, n - c0);
                assertArrayEquals(new int[] {m, w}, b.shape());
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < w; c++) {
                        byCols[i * n + c0 + c] = b.get(i, c);
                    }
                }
            }
            assertClose(expected, byCols, "columns, block " + block);
        }
    }

    private static void assertClose(double[] expected, double[] got, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])),
                    what + ": element " + i + " is " + got[i] + ", jacobian gives " + expected[i]);
        }
    }

    @Test
    void squareTallWideBroadcastingAndReductions() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable b = T.vector("b");
        check(List.of(x, w, b), T.tanh(T.add(T.dot(w, x), b)), x, random(1, 9), random(2, 9, 9), random(3, 9));
        check(List.of(x, w), T.sigmoid(T.dot(w, x)), x, random(4, 4), random(5, 20, 4));          // m >> n
        check(List.of(x, w), T.sin(T.dot(w, x)), x, random(6, 25), random(7, 3, 25));             // n >> m
        Variable m = T.matrix("M");
        check(List.of(m, x), T.mul(T.exp(m), x), m, random(8, 3, 4), random(9, 4));              // broadcasting, matrix x
        check(List.of(m), T.sum(T.sqr(m), 1), m, random(10, 5, 3));                              // reduction
        check(List.of(x, w), T.softmax(T.dot(w, x)), w, random(11, 4), random(12, 6, 4));        // w.r.t. a matrix
    }
}
