package org.gradaudit.core.ops.linalg;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.junit.jupiter.api.Test;

/** Outer, TensorDot and BatchedDot: forward values by hand, gradients, errors. */
class BlasOpsTest {
    private static NDArray random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() * 2 - 1;
        }
        return NDArray.of(DType.FLOAT64, shape, d);
    }

    @Test
    void outerMultipliesEveryPair() {
        Variable x = T.vector("x");
        Variable y = T.vector("y");
        NDArray r = eval1(List.of(x, y), T.outer(x, y), NDArray.of(1, 2), NDArray.of(3, 4, 5));
        assertShape(new int[] {2, 3}, r);
        assertValues(new double[] {3, 4, 5, 6, 8, 10}, r, 0);
    }

    @Test
    void tensordotWithOneAxisIsTheMatrixProduct() {
        Variable a = T.matrix("a");
        Variable b = T.matrix("b");
        NDArray av = NDArray.of(new double[][] {{1, 2}, {3, 4}});
        NDArray bv = NDArray.of(new double[][] {{5, 6}, {7, 8}});
        assertValues(new double[] {19, 22, 43, 50}, eval1(List.of(a, b), T.tensordot(a, b, 1), av, bv), 0);
        // all axes: the Frobenius inner product 1*5 + 2*6 + 3*7 + 4*8
        NDArray full = eval1(List.of(a, b), T.tensordot(a, b, 2), av, bv);
        assertShape(new int[0], full);
        assertValues(new double[] {70}, full, 0);
        // a's axis 0 with b's axis 0: a^T b
        assertValues(new double[] {26, 30, 38, 44},
                eval1(List.of(a, b), T.tensordot(a, b, new int[] {0}, new int[] {0}), av, bv), 0);
        // no axis: the outer product, shape (2, 2, 2, 2)
        NDArray outer = eval1(List.of(a, b), T.tensordot(a, b, 0), av, bv);
        assertShape(new int[] {2, 2, 2, 2}, outer);
        assertEquals(4 * 7, outer.get(1, 1, 1, 0));
    }

    @Test
    void tensordotGradientPutsAxesBackInInputOrder() {
        NDArray a = random(1, 3, 2, 4, 2);
        NDArray b = random(2, 2, 4, 5, 3);
        VerifyGrad.verifyGrad(in -> T.tensordot(in.get(0), in.get(1), new int[] {3, 0, 2}, new int[] {0, 3, 1}),
                List.of(a, b), VerifyOptions.builder().seed(3).nTests(2).build());
        VerifyGrad.verifyGrad2(in -> T.tensordot(in.get(0), in.get(1), new int[] {1}, new int[] {0}),
                List.of(random(4, 3, 2), random(5, 2, 3)), VerifyOptions.builder().seed(3).build());
    }

    @Test
    void batchedDotMultipliesEachPair() {
        Variable a = T.tensor3("a");
        Variable b = T.tensor3("b");
        NDArray av = NDArray.of(DType.FLOAT64, new int[] {2, 1, 2}, 1, 2, 3, 4);
        NDArray bv = NDArray.of(DType.FLOAT64, new int[] {2, 2, 1}, 5, 6, 7, 8);
        NDArray r = eval1(List.of(a, b), T.batchedDot(a, b), av, bv);
        assertShape(new int[] {2, 1, 1}, r);
        assertValues(new double[] {17, 53}, r, 0);
        VerifyGrad.verifyGrad2(in -> T.batchedDot(in.get(0), in.get(1)),
                List.of(random(6, 2, 3, 2), random(7, 2, 2, 4)), VerifyOptions.builder().seed(3).build());
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        Variable a = T.tensor3("a");
        Variable b = T.tensor3("b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a, b), T.batchedDot(a, b), random(1, 2, 3, 4), random(2, 2, 3, 4)));
        assertTrue(e.getMessage().contains("BatchedDot") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> T.batchedDot(T.matrix("m"), b));
        assertTrue(e.getMessage().contains("BatchedDot: input 0 has ndim 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> T.tensordot(a, b, 4));
        assertTrue(e.getMessage().contains("TensorDot") && e.getMessage().contains("allowed: 0 to 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> T.tensordot(a, b, new int[] {0, 1}, new int[] {0}));
        assertTrue(e.getMessage().contains("same length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a, b), T.tensordot(a, b, 1), random(1, 2, 3, 4), random(2, 3, 3, 4)));
        assertTrue(e.getMessage().contains("axis 2 of input 0 has length 4, axis 0 of input 1 has length 3"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> T.outer(T.matrix("m"), T.vector("v")));
        assertTrue(e.getMessage().contains("Outer: input 0 has ndim 2"), e.getMessage());
    }

    @Test
    void dtypesFollowDot() {
        Variable x = T.fvector("x");
        assertEquals(DType.FLOAT32, T.outer(x, x).dtype());
        Variable i = T.ivector("i");
        assertEquals(DType.INT32, T.outer(i, i).dtype());
    }
}
