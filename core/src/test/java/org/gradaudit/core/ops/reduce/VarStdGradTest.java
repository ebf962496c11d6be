package org.gradaudit.core.ops.reduce;

import static org.gradaudit.core.TestSupport.assertValues;

import java.util.List;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** Gradients of var, std and mean by hand, and std's documented choice at zero variance. */
class VarStdGradTest {
    private static NDArray grad(Variable cost, Variable x, NDArray xv) {
        return Function.compile(List.of(x), Gradient.grad(cost, x)).call1(xv);
    }

    @Test
    void gradientsByHand() {
        Variable x = T.vector("x");
        NDArray v = NDArray.of(1, 2, 3);                                         // mean 2, var 2/3, std sqrt(2/3)
        assertValues(new double[] {-2.0 / 3, 0, 2.0 / 3}, grad(T.var(x), x, v), 1e-15);
        assertValues(new double[] {-1, 0, 1}, grad(T.var(x, 1, false), x, v), 1e-15);          // ddof 1: 2 (x - m) / 2
        double s = Math.sqrt(2.0 / 3);
        assertValues(new double[] {-1 / (3 * s), 0, 1 / (3 * s)}, grad(T.std(x), x, v), 1e-15);
        assertValues(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, grad(T.mean(x), x, v), 1e-15);
    }

    @Test
    void stdGradientAndRopAreZeroAtZeroVariance() {
        Variable x = T.matrix("x");
        NDArray m = NDArray.of(new double[][] {{2, 2, 2}, {1, 2, 3}});
        double s = Math.sqrt(2.0 / 3);
        assertValues(new double[] {0, 0, 0, -1 / (3 * s), 0, 1 / (3 * s)}, grad(T.sum(T.std(x, 1)), x, m), 1e-15);
        Variable t = T.matrix("t");
        NDArray r = Function.compile(List.of(x, t), Gradient.rop(T.std(x, 1), x, t))
                .call1(m, NDArray.of(new double[][] {{1, 5, -2}, {1, 1, 4}}));
        assertValues(new double[] {0, 3 / (3 * s)}, r, 1e-15);
    }
}
