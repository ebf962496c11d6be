package org.gradaudit.core.ops.reduce;

import static org.gradaudit.core.TestSupport.assertValues;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullTypeGradError;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.VerifyGrad;
import org.junit.jupiter.api.Test;

/**
 * Prod's exact handling of zeros: the gradient at one zero is the product of the others, with two
 * zeros it is 0, with none prod / x; the R-op is its adjoint; second derivatives stay exact.
 * Prod is a polynomial, so finite differences at exact zeros are valid references too.
 */
class ProdZerosTest {
    private static NDArray grad(NDArray xv, int... axes) {
        Variable x = xv.ndim() == 1 ? T.vector("x") : T.matrix("x");
        return Function.compile(List.of(x), Gradient.grad(T.sum(T.prod(x, axes)), x)).call1(xv);
    }

    @Test
    void gradientWithoutZerosOneZeroAndTwoZeros() {
        assertValues(new double[] {12, 8, 6}, grad(NDArray.of(2, 3, 4)), 1e-15);
        assertValues(new double[] {0, 6, 0}, grad(NDArray.of(2, 0, 3)), 0);
        assertValues(new double[] {0, 0, 0, 0}, grad(NDArray.of(2, 0, 0, 3)), 0);
        assertValues(new double[] {0, 0, 0}, grad(NDArray.of(0, 0, 0)), 0);
        assertValues(new double[] {1}, grad(NDArray.of(0)), 0);              // d x / d x, at x = 0
        // rows: none, one zero, two zeros
        NDArray m = NDArray.of(new double[][] {{1, 2, -3}, {5, 0, 2}, {0, 4, 0}});
        assertValues(new double[] {-6, -3, 2, 0, 10, 0, 0, 0, 0}, grad(m, 1), 1e-15);
        // columns (1, 5, 0), (2, 0, 4), (-3, 2, 0): one zero each
        assertValues(new double[] {0, 0, 0, 0, 8, 0, 5, 0, -6}, grad(m, 0), 1e-15);
    }

    @Test
    void gradientHasNoNaNWhenUsedInsideAnotherExpression() {
        Variable x = T.vector("x");
        Variable c = T.mul(T.prod(x), T.exp(T.sum(x)));
        NDArray g = Function.compile(List.of(x), Gradient.grad(c, x)).call1(NDArray.of(2, 0, 3));
        assertTrue(!g.hasNonFinite(), "finite gradient: " + g);
        assertValues(new double[] {0, 6 * Math.exp(5), 0}, g, 1e-12);
    }

    @Test
    void ropIsTheAdjointWithZeros() {
        Variable x = T.vector("x");
        Variable t = T.vector("t");
        Variable j = Gradient.rop(T.prod(x), x, t);
        Function f = Function.compile(List.of(x, t), j);
        assertValues(new double[] {6 * 10}, f.call1(NDArray.of(2, 0, 3), NDArray.of(1, 10, 100)), 0);
        assertValues(new double[] {0}, f.call1(NDArray.of(2, 0, 0, 3), NDArray.of(1, 10, 100, 1000)), 0);
        assertValues(new double[] {12 + 80 + 600}, f.call1(NDArray.of(2, 3, 4), NDArray.of(1, 10, 100)), 1e-12);
    }

    @Test
    void finiteDifferencesAgreeAtExactZeros() {
        for (NDArray p : new NDArray[] {NDArray.of(2, 0, 3), NDArray.of(0.5, 0, 0, -3), NDArray.of(0, 0, 0),
                NDArray.of(new double[][] {{1.5, 0, -2}, {0, 0, 0.5}})}) {
            VerifyGrad.verifyGrad(in -> T.prod(in.get(0), -1), List.of(p));
            RopCheck.verifyRop(in -> T.prod(in.get(0), -1), List.of(p));
            VerifyGrad.verifyGrad(in -> T.prod(in.get(0)), List.of(p));
        }
    }

    @Test
    void hessianIsExactWithOneAndTwoZeros() {
        Variable x = T.vector("x");
        Function h = Function.compile(List.of(x), Gradient.hessian(T.prod(x), x));
        // prod(a, b, c): H_ij = product of the third element, H_ii = 0
        assertValues(new double[] {0, 3, 0, 3, 0, 2, 0, 2, 0}, h.call1(NDArray.of(2, 0, 3)), 0);
        // (2, 0, 0): H_12 = 2, the rest 0
        assertValues(new double[] {0, 0, 0, 0, 0, 2, 0, 2, 0}, h.call1(NDArray.of(2, 0, 0)), 0);
        assertValues(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0}, h.call1(NDArray.of(0, 0, 0)), 0);
        assertValues(new double[] {0, 4, 3, 4, 0, 2, 3, 2, 0}, h.call1(NDArray.of(2, 3, 4)), 1e-14);
    }

    @Test
    void prodWithoutZerosHasNoGradientAsInTheano() {
        Variable x = T.vector("x");
        NullTypeGradError e = assertThrows(NullTypeGradError.class, () -> Gradient.grad(T.prodWithoutZeros(x), x));
        assertTrue(e.getMessage().contains("ProdWithoutZeros") && e.getMessage().contains("not implemented"), e.getMessage());
    }

    @Test
    void mulWithoutZerosGradientAwayFromZeros() {
        Variable a = T.vector("a");
        Variable b = T.vector("b");
        List<Variable> g = Gradient.grad(T.sum(T.mulWithoutZeros(a, b)), List.of(a, b));
        List<NDArray> r = Function.compile(List.of(a, b), g).call(NDArray.of(2, 3, 0), NDArray.of(5, 0, 7));
        assertValues(new double[] {5, 1, 0}, r.get(0), 0);     // d/da: b, 1 where b == 0, 0 at a == 0 (jump)
        assertValues(new double[] {2, 0, 1}, r.get(1), 0);
        VerifyGrad.verifyGrad(in -> T.mulWithoutZeros(in.get(0), in.get(1)), List.of(NDArray.of(2, -3), NDArray.of(0.5, 4)));
    }
}
