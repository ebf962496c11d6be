package org.gradaudit.core;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Forward values of the Step 1 ops against hand-computed numbers. */
class OpsForwardTest {
    private final Variable x = T.vector("x");
    private final Variable y = T.vector("y");
    private final NDArray xv = NDArray.of(1.0, 2.0, 4.0);
    private final NDArray yv = NDArray.of(0.5, -1.0, 2.0);

    private NDArray binary(Variable out) {
        return eval1(List.of(x, y), out, xv, yv);
    }

    private NDArray unary(Variable out) {
        return eval1(List.of(x), out, xv);
    }

    @Test
    void arithmetic() {
        assertValues(new double[] {1.5, 1.0, 6.0}, binary(T.add(x, y)), 0);
        assertValues(new double[] {0.5, 3.0, 2.0}, binary(T.sub(x, y)), 0);
        assertValues(new double[] {0.5, -2.0, 8.0}, binary(T.mul(x, y)), 0);
        assertValues(new double[] {2.0, -2.0, 2.0}, binary(T.trueDiv(x, y)), 0);
        assertValues(new double[] {1.0, 0.5, 16.0}, binary(T.pow(x, y)), 1e-15);
        assertValues(new double[] {-1, -2, -4}, unary(T.neg(x)), 0);
        assertValues(new double[] {1, 4, 16}, unary(T.sqr(x)), 0);
        assertValues(new double[] {1, Math.sqrt(2), 2}, unary(T.sqrt(x)), 0);
    }

    @Test
    void transcendental() {
        assertValues(new double[] {Math.E, Math.exp(2), Math.exp(4)}, unary(T.exp(x)), 1e-12);
        assertValues(new double[] {0, Math.log(2), Math.log(4)}, unary(T.log(x)), 1e-15);
        assertValues(new double[] {0.7615941559557649, 0.9640275800758169, 0.999329299739067}, unary(T.tanh(x)), 1e-15);
        assertValues(new double[] {0.7310585786300049, 0.8807970779778823, 0.9820137900379085}, unary(T.sigmoid(x)), 1e-15);
    }

    @Test
    void sigmoidDoesNotOverflowForLargeNegatives() {
        NDArray v = eval1(List.of(x), T.sigmoid(x), NDArray.of(-800, 800, 0));
        assertValues(new double[] {0, 1, 0.5}, v, 0);
    }

    @Test
    void broadcastingFollowsNumpy() {
        Variable m = T.matrix("m");
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        NDArray r = eval1(List.of(m, x), T.add(m, x), mv, xv);
        assertShape(new int[] {2, 3}, r);
        assertValues(new double[] {2, 4, 7, 5, 7, 10}, r, 0);
        Variable col = T.col("c");
        NDArray cv = NDArray.of(DType.FLOAT64, new int[] {2, 1}, 10, 20);
        assertValues(new double[] {11, 12, 13, 24, 25, 26}, eval1(List.of(m, col), T.add(m, col), mv, cv), 0);
        NDArray s = eval1(List.of(m), T.mul(m, 2), mv);
        assertValues(new double[] {2, 4, 6, 8, 10, 12}, s, 0);
    }

    @Test
    void incompatibleShapesNameTheOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(x, y), T.add(x, y), xv, NDArray.of(1, 2)));
        assertTrue(e.getMessage().contains("Elemwise{add}"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void sumOverAllAndGivenAxes() {
        Variable m = T.matrix("m");
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertValues(new double[] {21}, eval1(List.of(m), T.sum(m), mv), 0);
        assertValues(new double[] {5, 7, 9}, eval1(List.of(m), T.sum(m, 0), mv), 0);
        assertValues(new double[] {6, 15}, eval1(List.of(m), T.sum(m, 1), mv), 0);
        assertValues(new double[] {6, 15}, eval1(List.of(m), T.sum(m, -1), mv), 0);
        assertValues(new double[] {21}, eval1(List.of(m), T.sum(m, 0, 1), mv), 0);
        assertThrows(IllegalArgumentException.class, () -> T.sum(m, 2));
        Variable t3 = T.tensor3("t");
        NDArray tv = NDArray.of(DType.FLOAT64, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
        NDArray r = eval1(List.of(t3), T.sum(t3, 0, 2), tv);
        assertValues(new double[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, r, 0);
    }

    @Test
    void sumOfIntegersIsInt64() {
        Variable i = T.ivector("i");
        NDArray r = eval1(List.of(i), T.sum(i), NDArray.of(DType.INT32, new int[] {3}, 1, 2, 3));
        assertEquals(DType.INT64, r.dtype());
        assertEquals(6, r.item());
    }

    @Test
    void dotForEveryVectorMatrixCombination() {
        Variable a = T.matrix("a");
        Variable b = T.matrix("b");
        NDArray av = NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});     // 3x2
        NDArray bv = NDArray.of(new double[][] {{1, 0, 2}, {-1, 1, 0}});      // 2x3
        NDArray v2 = NDArray.of(1, -1);
        NDArray v3 = NDArray.of(1, 0, 2);
        Variable u = T.vector("u");
        Variable w = T.vector("w");
        assertValues(new double[] {-1, 2, 2, -1, 4, 6, -1, 6, 10}, eval1(List.of(a, b), T.dot(a, b), av, bv), 0);
        assertValues(new double[] {-1, -1, -1}, eval1(List.of(a, u), T.dot(a, u), av, v2), 0);
        assertValues(new double[] {11, 14}, eval1(List.of(u, a), T.dot(u, a), v3, av), 0);
        assertValues(new double[] {5}, eval1(List.of(u, w), T.dot(u, w), v3, v3), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a, u), T.dot(a, u), av, v3));
        assertTrue(e.getMessage().contains("not aligned"), e.getMessage());
    }

    @Test
    void dimshuffleAndTranspose() {
        Variable m = T.matrix("m");
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        NDArray t = eval1(List.of(m), m.T(), mv);
        assertShape(new int[] {3, 2}, t);
        assertValues(new double[] {1, 4, 2, 5, 3, 6}, t, 0);
        NDArray e = eval1(List.of(m), T.dimshuffle(m, 1, "x", 0), mv);
        assertShape(new int[] {3, 1, 2}, e);
        assertValues(new double[] {1, 4, 2, 5, 3, 6}, e, 0);
        assertThrows(IllegalArgumentException.class, () -> T.dimshuffle(m, 0));   // axis 1 is not broadcastable
    }

    @Test
    void float32ArithmeticRoundsToFloat32() {
        Variable f = T.fvector("f");
        NDArray fv = NDArray.of(DType.FLOAT32, new int[] {2}, 0.1, 1.0 / 3);
        NDArray r = eval1(List.of(f), T.mul(f, 3), fv);
        assertEquals(DType.FLOAT32, r.dtype());
        assertEquals((double) (0.1f * 3f), r.getFlat(0), 0);
        assertEquals((double) ((1f / 3f) * 3f), r.getFlat(1), 0);
    }

    @Test
    void upcastRulesMatchNumpy() {
        assertEquals(DType.FLOAT64, DType.upcast(DType.INT32, DType.FLOAT32));
        assertEquals(DType.FLOAT32, DType.upcast(DType.INT16, DType.FLOAT32));
        assertEquals(DType.FLOAT16, DType.upcast(DType.INT8, DType.FLOAT16));
        assertEquals(DType.INT16, DType.upcast(DType.UINT8, DType.INT8));
        assertEquals(DType.INT32, DType.upcast(DType.BOOL, DType.INT32));
        assertEquals(DType.FLOAT64, T.trueDiv(T.ivector("i"), T.ivector("j")).dtype());
        assertEquals(DType.FLOAT32, T.mul(T.fvector("f"), 2.5).dtype());      // weak literal
        assertEquals(DType.INT32, T.add(T.ivector("i"), 1).dtype());
        assertEquals(DType.FLOAT64, T.add(T.ivector("i"), 1.5).dtype());
    }

    @Test
    void float16RoundsToHalfPrecision() {
        assertEquals(1.0009765625, DType.FLOAT16.coerce(1.0009765625), 0);    // 1 + 2^-10 is a half
        assertEquals(1.0, DType.FLOAT16.coerce(1.0004), 0);
        assertEquals(65504.0, DType.FLOAT16.coerce(65504.0), 0);
        assertEquals(Double.POSITIVE_INFINITY, DType.FLOAT16.coerce(65520.0), 0);
        assertEquals(Math.scalb(1.0, -24), DType.FLOAT16.coerce(Math.scalb(1.0, -24)), 0);   // smallest subnormal
    }

    @Test
    void comparisonsAndLogicalOpsGiveBoolsAndAreNotConnected() {
        NDArray lt = binary(T.lt(x, y));
        assertEquals(DType.BOOL, lt.dtype());
        assertValues(new double[] {0, 0, 0}, lt, 0);
        assertValues(new double[] {1, 1, 1}, binary(T.gt(x, y)), 0);
        assertValues(new double[] {1, 0, 1}, binary(T.le(x, T.mul(y, 2.0))), 0);
        assertValues(new double[] {1, 1, 1}, binary(T.ge(x, y)), 0);
        assertValues(new double[] {0, 0, 0}, binary(T.eq(x, y)), 0);
        assertValues(new double[] {1, 1, 1}, binary(T.neq(x, y)), 0);
        Variable p = T.gt(x, 1.5);
        Variable q = T.lt(y, 0.0);
        assertValues(new double[] {0, 0, 1}, binary(T.and(p, T.not(q))), 0);
        assertValues(new double[] {0, 1, 1}, binary(T.or(p, q)), 0);
        assertValues(new double[] {0, 0, 1}, binary(T.xor(p, q)), 0);
        assertThrows(DisconnectedInputError.class, () -> Gradient.grad(T.sum(T.cast(T.gt(x, 0.0), DType.FLOAT64)), x));
    }
}
