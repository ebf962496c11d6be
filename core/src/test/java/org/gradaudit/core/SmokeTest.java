package org.gradaudit.core;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.gradaudit.core.check.VerifyGrad;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void gradOfTanhDot() {
        Variable x = T.vector("x");
        Variable W = T.matrix("W");
        Variable c = T.sum(T.sqr(T.tanh(T.dot(x, W))));
        List<Variable> g = Gradient.grad(c, List.of(x, W));
        Function f = Function.compile(List.of(x, W), List.of(c, g.get(0), g.get(1)));
        List<NDArray> out = f.call(NDArray.of(0.1, -0.2), NDArray.of(new double[][] {{1, 2, 3}, {0.5, -1, 0.25}}));
        assertEquals(0, out.get(0).ndim());
        VerifyGrad.verifyGrad(in -> T.sum(T.sqr(T.tanh(T.dot(in.get(0), in.get(1))))),
                List.of(NDArray.of(0.1, -0.2), NDArray.of(new double[][] {{1, 2, 3}, {0.5, -1, 0.25}})));
    }
}
