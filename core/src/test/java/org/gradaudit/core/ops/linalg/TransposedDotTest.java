package org.gradaudit.core.ops.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.TestSupport;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.tensor.Gemm;
import org.junit.jupiter.api.Test;

/**
 * The compiler turns {@code dot(transpose(x), y)} into {@code Dot{x transposed}}, which reads x's
 * columns: same bits as the product of a materialized transpose, for every kernel path.
 */
class TransposedDotTest {
    private static NDArray random(SplittableRandom r, int... shape) {
        return TestSupport.uniform(r, DType.FLOAT64, shape);
    }

    @Test
    void theRewriteGivesTheBitsOfTheMaterializedTranspose() {
        Variable x = T.matrix("x");
        Variable y = T.matrix("y");
        Program p = Function.compile(List.of(x, y), T.dot(T.transpose(x), y)).program();
        assertEquals(List.of("Dot{x transposed}"), p.ops().stream().map(Object::toString).toList(), p.toString());
        SplittableRandom rnd = new SplittableRandom(9);
        // m below and above two micro-panels, not multiples of 8; n below 8 (the transposing path),
        // one column, wide; k = 1 (outer products), k above a k-block (192); one product big
        // enough to be split between threads
        int[][] mkn = {{5, 7, 9}, {16, 7, 24}, {23, 3, 1}, {37, 1, 30}, {41, 200, 50}, {64, 64, 7}, {300, 130, 260}};
        for (int[] s : mkn) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            NDArray xv = random(rnd, k, m);
            NDArray yv = random(rnd, k, n);
            double[] xt = new double[m * k];
            for (int p2 = 0; p2 < k; p2++) {
                for (int i = 0; i < m; i++) {
                    xt[i * k + p2] = xv.getFlat(p2 * m + i);
                }
            }
            double[] want = Gemm.gemm(xt, yv.unsafeData(), m, k, n);
            NDArray got = p.run(xv, yv)[0];
            for (int e = 0; e < want.length; e++) {
                assertEquals(Double.doubleToRawLongBits(want[e]), Double.doubleToRawLongBits(got.getFlat(e)),
                        "m=" + m + " k=" + k + " n=" + n + " element " + e);
            }
            assertEquals(got, p.runner().run(xv, yv)[0]);
        }
    }

    @Test
    void aTransposeUsedElsewhereStaysAndVectorsAreNotRewritten() {
        Variable x = T.matrix("x");
        Variable y = T.matrix("y");
        Variable v = T.vector("v");
        Program both = Function.compile(List.of(x, y), List.of(T.dot(T.transpose(x), y), T.transpose(x))).program();
        assertTrue(both.ops().stream().anyMatch(o -> o instanceof DimShuffle), both.toString());
        assertTrue(both.ops().stream().anyMatch(o -> o instanceof Dot && ((Dot) o).isTransposed()), both.toString());
        Program mv = Function.compile(List.of(x, v), T.dot(T.transpose(x), v)).program();
        assertTrue(mv.ops().stream().noneMatch(o -> o instanceof Dot && ((Dot) o).isTransposed()), mv.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dot.transposedX().makeNode(x, v));
        assertTrue(e.getMessage().contains("two matrices"), e.getMessage());
    }

    @Test
    void itsGradientAndROpMatchFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(4);
        List<NDArray> points = List.of(random(rnd, 4, 3), random(rnd, 4, 5));
        VerifyGrad.verifyGrad(in -> Dot.transposedX().makeNode(in.get(0), in.get(1)).out(), points,
                VerifyOptions.builder().seed(5).nTests(2).build());
        RopCheck.verifyRop(in -> Dot.transposedX().makeNode(in.get(0), in.get(1)).out(), points,
                VerifyOptions.builder().seed(5).nTests(1).build(),
                RopOptions.builder().disconnectedOutputs(DisconnectedInputs.IGNORE).build());
    }
}
