package org.gradaudit.core;

import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Symbolic gradients against hand-derived formulas. */
class GradFormulaTest {
    private final Variable x = T.vector("x");
    private final NDArray xv = NDArray.of(0.5, -1.0, 2.0);

    private NDArray gradAt(Variable cost) {
        return eval1(List.of(x), Gradient.grad(cost, x), xv);
    }

    private double[] map(java.util.function.DoubleUnaryOperator f) {
        double[] r = new double[xv.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(xv.getFlat(i));
        }
        return r;
    }

    @Test
    void elementwiseDerivatives() {
        assertValues(map(v -> 2 * v), gradAt(T.sum(T.sqr(x))), 1e-15);
        assertValues(map(v -> -1), gradAt(T.sum(T.neg(x))), 0);
        assertValues(map(Math::exp), gradAt(T.sum(T.exp(x))), 1e-15);
        assertValues(map(v -> 1 - Math.tanh(v) * Math.tanh(v)), gradAt(T.sum(T.tanh(x))), 1e-15);
        assertValues(map(v -> {
            double s = 1 / (1 + Math.exp(-v));
            return s * (1 - s);
        }), gradAt(T.sum(T.sigmoid(x))), 1e-15);
        assertValues(map(v -> 3 * v * v), gradAt(T.sum(T.pow(x, 3.0))), 1e-14);
        assertValues(map(v -> -1 / (v * v)), gradAt(T.sum(T.trueDiv(1.0, x))), 1e-14);
    }

    @Test
    void logAndSqrtOnPositivePoints() {
        Variable p = T.vector("p");
        NDArray pv = NDArray.of(0.25, 1, 4);
        assertValues(new double[] {4, 1, 0.25}, eval1(List.of(p), Gradient.grad(T.sum(T.log(p)), p), pv), 1e-15);
        assertValues(new double[] {1, 0.5, 0.25}, eval1(List.of(p), Gradient.grad(T.sum(T.sqrt(p)), p), pv), 1e-15);
    }

    @Test
    void powGradientWithRespectToTheExponent() {
        Variable a = T.scalar("a");
        Variable b = T.scalar("b");
        Variable c = T.pow(a, b);
        List<NDArray> g = eval(List.of(a, b), Gradient.grad(c, List.of(a, b)), NDArray.scalar(2), NDArray.scalar(3));
        assertEquals(12.0, g.get(0).item(), 1e-14);                 // b a^(b-1)
        assertEquals(8 * Math.log(2), g.get(1).item(), 1e-14);      // a^b log a
    }

    @Test
    void sumOfTermsWhenAVariableIsUsedTwice() {
        assertValues(map(v -> 2 * v + 1), gradAt(T.sum(T.add(T.mul(x, x), x))), 1e-15);
    }

    @Test
    void broadcastGradientsAreSummed() {
        Variable m = T.matrix("m");
        Variable c = T.sum(T.mul(m, x));               // x broadcast over rows of m
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        List<NDArray> g = eval(List.of(m, x), Gradient.grad(c, List.of(m, x)), mv, xv);
        assertValues(new double[] {5, 7, 9}, g.get(1), 0);
        assertValues(new double[] {0.5, -1, 2, 0.5, -1, 2}, g.get(0), 0);
        Variable s = T.scalar("s");
        NDArray gs = eval1(List.of(s, m), Gradient.grad(T.sum(T.mul(m, s)), s), NDArray.scalar(3), mv);
        assertEquals(21, gs.item(), 0);
    }

    @Test
    void dotGradients() {
        Variable A = T.matrix("A");
        Variable v = T.vector("v");
        NDArray av = NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        NDArray vv = NDArray.of(1, -1);
        Variable w = T.vector("w");
        NDArray wv = NDArray.of(1, 2, 3);
        // c = w . (A v): dc/dv = A^T w, dc/dA = w v^T, dc/dw = A v
        Variable c = T.dot(w, T.dot(A, v));
        List<NDArray> g = eval(List.of(A, v, w), Gradient.grad(c, List.of(A, v, w)), av, vv, wv);
        assertValues(new double[] {22, 28}, g.get(1), 0);
        assertValues(new double[] {1, -1, 2, -2, 3, -3}, g.get(0), 0);
        assertValues(new double[] {-1, -1, -1}, g.get(2), 0);
        // c = sum(A B): dc/dA = 1 B^T, dc/dB = A^T 1
        Variable B = T.matrix("B");
        NDArray bv = NDArray.of(new double[][] {{1, 0}, {2, 1}});
        List<NDArray> gm = eval(List.of(A, B), Gradient.grad(T.sum(T.dot(A, B)), List.of(A, B)), av, bv);
        assertValues(new double[] {1, 3, 1, 3, 1, 3}, gm.get(0), 0);
        assertValues(new double[] {9, 9, 12, 12}, gm.get(1), 0);
    }

    @Test
    void transposeAndDimshuffleGradients() {
        Variable m = T.matrix("m");
        Variable wm = T.matrix("wm");
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        NDArray wv = NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        NDArray g = eval1(List.of(m, wm), Gradient.grad(T.sum(T.mul(m.T(), wm)), m), mv, wv);
        assertValues(new double[] {1, 3, 5, 2, 4, 6}, g, 0);
        NDArray g2 = eval1(List.of(m), Gradient.grad(T.sum(T.sqr(T.dimshuffle(m, 1, "x", 0))), m), mv);
        assertValues(new double[] {2, 4, 6, 8, 10, 12}, g2, 0);
    }

    @Test
    void secondDerivativeByDifferentiatingTheGradient() {
        Variable s = T.scalar("s");
        Variable g = Gradient.grad(T.pow(s, 4.0), s);
        Variable h = Gradient.grad(g, s);
        assertEquals(12 * 9, eval1(List.of(s), h, NDArray.scalar(3)).item(), 1e-12);
    }

    @Test
    void tanhDotChainRule() {
        Variable W = T.matrix("W");
        NDArray wv = NDArray.of(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}});
        Variable c = T.sum(T.tanh(T.dot(x, W)));
        NDArray g = eval1(List.of(x, W), Gradient.grad(c, x), xv, wv);
        double[] z = new double[2];
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 3; i++) {
                z[j] += xv.getFlat(i) * wv.get(i, j);
            }
        }
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                expected[i] += wv.get(i, j) * (1 - Math.tanh(z[j]) * Math.tanh(z[j]));
            }
        }
        assertValues(expected, g, 1e-15);
    }

    @Test
    void lopOfSeveralOutputsAddsThePathsThroughASeededOutput() {
        // y = 3x, z = y^2: lop([y, z], x, [ey, ez]) = ey * 3 + ez * 2y * 3 (Theano drops the second term)
        Variable s = T.scalar("s");
        Variable y = T.mul(s, 3.0);
        Variable z = T.sqr(y);
        Variable ey = T.scalar("ey");
        Variable ez = T.scalar("ez");
        Variable l = Gradient.lop(List.of(y, z), List.of(s), List.of(ey, ez)).get(0);
        double v = eval1(List.of(s, ey, ez), l, NDArray.scalar(2), NDArray.scalar(0.5), NDArray.scalar(0.25)).item();
        assertEquals(0.5 * 3 + 0.25 * 2 * 6 * 3, v, 1e-12);
    }
}
