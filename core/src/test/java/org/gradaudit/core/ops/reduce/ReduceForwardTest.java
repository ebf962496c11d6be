package org.gradaudit.core.ops.reduce;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** Forward values of the reduce and nnet ops against numbers worked out by hand. */
class ReduceForwardTest {
    // [[1, -2, 3], [4, 5, -6]]
    private static final NDArray M = NDArray.of(new double[][] {{1, -2, 3}, {4, 5, -6}});
    // shape (2, 3, 2): 0..11
    private static final NDArray T3 = NDArray.of(DType.FLOAT64, new int[] {2, 3, 2}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    private static NDArray run(NDArray value, java.util.function.Function<Variable, Variable> f) {
        Variable x = TensorType.ofValue(value).make("x");
        return eval1(List.of(x), f.apply(x), value);
    }

    @Test
    void meanOverAllOneAndSeveralAxes() {
        assertValues(new double[] {5.0 / 6}, run(M, x -> T.mean(x)), 1e-15);
        assertValues(new double[] {2.5, 1.5, -1.5}, run(M, x -> T.mean(x, 0)), 1e-15);
        assertValues(new double[] {2.0 / 3, 1.0}, run(M, x -> T.mean(x, -1)), 1e-15);
        // T3 over axes 0 and 2: group j holds {2j, 2j+1, 6+2j, 7+2j}, mean 2j + 3.5
        assertValues(new double[] {3.5, 5.5, 7.5}, run(T3, x -> T.mean(x, 0, 2)), 1e-15);
        NDArray kept = run(T3, x -> T.mean(x, true, 0, -1));
        assertShape(new int[] {1, 3, 1}, kept);
        assertValues(new double[] {3.5, 5.5, 7.5}, kept, 1e-15);
    }

    @Test
    void meanOfIntegersIsFloat() {
        NDArray i = NDArray.of(DType.INT32, new int[] {4}, 1, 2, 3, 5);
        NDArray r = run(i, x -> T.mean(x));
        assertEquals(DType.FLOAT64, r.dtype());
        assertValues(new double[] {2.75}, r, 0);
    }

    @Test
    void prodAndProdWithoutZeros() {
        assertValues(new double[] {720}, run(M, x -> T.prod(x)), 0);
        assertValues(new double[] {-6, -120}, run(M, x -> T.prod(x, 1)), 0);
        NDArray z = NDArray.of(new double[][] {{0, 2, 3}, {0, 0, 0}, {1, -2, 0.5}});
        assertValues(new double[] {0, 0, -1}, run(z, x -> T.prod(x, 1)), 0);
        assertValues(new double[] {6, 0, -1}, run(z, x -> T.prodWithoutZeros(x, 1)), 0);     // all zeros: 0, the identity
        assertValues(new double[] {1, -4, 1.5}, run(z, x -> T.prodWithoutZeros(x, 0)), 0);
        assertValues(new double[] {1}, run(NDArray.zeros(DType.FLOAT64, 0), x -> T.prod(x)), 0);
        assertValues(new double[] {0}, run(NDArray.zeros(DType.FLOAT64, 0), x -> T.prodWithoutZeros(x)), 0);
        NDArray ip = run(NDArray.of(DType.INT32, new int[] {3}, 2, 3, 4), x -> T.prod(x));
        assertEquals(DType.INT64, ip.dtype());
        assertValues(new double[] {24}, ip, 0);
    }

    @Test
    void mulWithoutZerosTreatsAZeroAsOneButTwoZerosGiveZero() {
        Variable a = T.vector("a");
        Variable b = T.vector("b");
        NDArray r = eval1(List.of(a, b), T.mulWithoutZeros(a, b), NDArray.of(0, 2, 0, 3), NDArray.of(5, 0, 0, -2));
        assertValues(new double[] {5, 2, 0, -6}, r, 0);
    }

    @Test
    void maxMinArgmaxArgminOverAxes() {
        assertValues(new double[] {5}, run(M, x -> T.max(x)), 0);
        assertValues(new double[] {-6}, run(M, x -> T.min(x)), 0);
        assertValues(new double[] {4, 5, 3}, run(M, x -> T.max(x, 0)), 0);
        assertValues(new double[] {-2, -6}, run(M, x -> T.min(x, 1)), 0);
        NDArray am = run(M, x -> T.argmax(x, 1));
        assertEquals(DType.INT64, am.dtype());
        assertValues(new double[] {2, 1}, am, 0);
        assertValues(new double[] {1, 2}, run(M, x -> T.argmin(x, -1)), 0);
        assertValues(new double[] {4}, run(M, x -> T.argmax(x)), 0);          // flat index of 5
        // T3 over axes (0, 2): group j = {x[0,j,0], x[0,j,1], x[1,j,0], x[1,j,1]}; the max is the last
        assertValues(new double[] {3, 3, 3}, run(T3, x -> T.argmax(x, 0, 2)), 0);
        assertValues(new double[] {0, 0, 0}, run(T3, x -> T.argmin(x, 0, 2)), 0);
        assertValues(new double[] {7, 9, 11}, run(T3, x -> T.max(x, 0, 2)), 0);
        assertShape(new int[] {2, 1}, run(M, x -> T.argmax(x, true, 1)));
    }

    @Test
    void argmaxTakesTheFirstTieAndNaNPropagates() {
        NDArray v = NDArray.of(1, 3, 3, 2);
        assertValues(new double[] {1}, run(v, x -> T.argmax(x)), 0);
        NDArray n = NDArray.of(1, Double.NaN, 7, Double.NaN);
        assertTrue(Double.isNaN(run(n, x -> T.max(x)).getFlat(0)));
        assertTrue(Double.isNaN(run(n, x -> T.min(x)).getFlat(0)));
        assertValues(new double[] {1}, run(n, x -> T.argmax(x)), 0);
    }

    @Test
    void maxAndArgmaxGivesBothOutputs() {
        Variable x = T.matrix("x");
        List<Variable> ma = T.maxAndArgmax(x, 1);
        assertEquals(DType.FLOAT64, ma.get(0).dtype());
        assertEquals(DType.INT64, ma.get(1).dtype());
        List<NDArray> out = org.gradaudit.core.TestSupport.eval(List.of(x), ma, M);
        assertValues(new double[] {3, 5}, out.get(0), 0);
        assertValues(new double[] {2, 1}, out.get(1), 0);
    }

    @Test
    void allAndAnyAreBool() {
        NDArray b = NDArray.of(new double[][] {{1, 0, 2}, {3, 4, Double.NaN}});
        NDArray all = run(b, x -> T.all(x, 1));
        assertEquals(DType.BOOL, all.dtype());
        assertValues(new double[] {0, 1}, all, 0);                                   // NaN counts as non-zero
        assertValues(new double[] {1, 1, 1}, run(b, x -> T.any(x, 0)), 0);
        assertValues(new double[] {0}, run(b, x -> T.all(x)), 0);
        assertValues(new double[] {1}, run(NDArray.zeros(DType.FLOAT64, 0), x -> T.all(x)), 0);
        assertValues(new double[] {0}, run(NDArray.zeros(DType.FLOAT64, 0), x -> T.any(x)), 0);
    }

    @Test
    void varianceAndStandardDeviation() {
        // rows [1, -2, 3]: mean 2/3, squares 1/9 + 64/9 + 49/9 = 114/9; [4, 5, -6]: mean 1, 9 + 16 + 49 = 74
        assertValues(new double[] {114.0 / 27, 74.0 / 3}, run(M, x -> T.var(x, 1)), 1e-13);
        assertValues(new double[] {114.0 / 18, 74.0 / 2}, run(M, x -> T.var(x, 1, false, 1)), 1e-13);
        assertValues(new double[] {Math.sqrt(114.0 / 27), Math.sqrt(74.0 / 3)}, run(M, x -> T.std(x, 1)), 1e-13);
        assertValues(new double[] {2.25, 12.25, 20.25}, run(M, x -> T.var(x, 0)), 1e-13);
        // T3 over axes (0, 2): group j = {2j, 2j+1, 2j+6, 2j+7}: deviations +-3, +-2.5... -> (9+6.25+6.25+... )
        // values 0,1,6,7 (j = 0): mean 3.5, squares 12.25+6.25+6.25+12.25 = 37 -> 9.25 for every j
        assertValues(new double[] {9.25, 9.25, 9.25}, run(T3, x -> T.var(x, 0, 2)), 1e-13);
        NDArray kept = run(M, x -> T.std(x, 0, true, -1));
        assertShape(new int[] {2, 1}, kept);
    }

    @Test
    void softmaxAndLogSoftmax() {
        // exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3: softmax 1/6, 2/6, 3/6 whatever the shift
        NDArray v = NDArray.of(0, Math.log(2), Math.log(3));
        assertValues(new double[] {1.0 / 6, 2.0 / 6, 3.0 / 6}, run(v, x -> T.softmax(x)), 1e-15);
        assertValues(new double[] {-Math.log(6), Math.log(2) - Math.log(6), Math.log(3) - Math.log(6)},
                run(v, x -> T.logSoftmax(x)), 1e-15);
        // stability: 1000 + the same values, where exp(1000) overflows
        NDArray big = NDArray.of(1000, 1000 + Math.log(2), 1000 + Math.log(3));
        assertValues(new double[] {1.0 / 6, 2.0 / 6, 3.0 / 6}, run(big, x -> T.softmax(x)), 1e-12);
        assertValues(new double[] {-Math.log(6), Math.log(2) - Math.log(6), Math.log(3) - Math.log(6)},
                run(big, x -> T.logSoftmax(x)), 1e-12);
        NDArray ls = run(NDArray.of(-1000, 0), x -> T.logSoftmax(x));
        assertValues(new double[] {-1000, 0}, ls, 1e-12);                    // log(softmax) would give -inf
        // along axis 0 of [[0, 0], [ln 3, 0]]: columns (1/4, 3/4) and (1/2, 1/2)
        NDArray m = NDArray.of(new double[][] {{0, 0}, {Math.log(3), 0}});
        assertValues(new double[] {0.25, 0.5, 0.75, 0.5}, run(m, x -> T.softmax(x, 0)), 1e-15);
    }

    @Test
    void categoricalCrossentropy() {
        Variable p = T.matrix("p");
        Variable t = T.matrix("t");
        NDArray probs = NDArray.of(new double[][] {{0.5, 0.25, 0.25}, {0.1, 0.8, 0.1}});
        NDArray onehot = NDArray.of(new double[][] {{1, 0, 0}, {0, 0, 1}});
        assertValues(new double[] {Math.log(2), Math.log(10)},
                eval1(List.of(p, t), T.categoricalCrossentropy(p, t), probs, onehot), 1e-15);
        NDArray soft = NDArray.of(new double[][] {{0.5, 0.5, 0}, {0, 1, 0}});
        assertValues(new double[] {0.5 * Math.log(2) + 0.5 * Math.log(4), -Math.log(0.8)},
                eval1(List.of(p, t), T.categoricalCrossentropy(p, t), probs, soft), 1e-15);
    }
}
