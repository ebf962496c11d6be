package org.gradaudit.core.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.T;
import org.gradaudit.core.TestSupport;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** {@link Program.Runner}: the bits of {@link Program#run}, with the previous run's arrays reused. */
class RunnerTest {
    private static NDArray random(SplittableRandom rnd, int... shape) {
        return TestSupport.uniform(rnd, DType.FLOAT64, shape);
    }

    @Test
    void repeatedRunsOfAGradientMatchRunAndReuseTheirArrays() {
        Variable x = T.matrix("X");
        Variable w = T.matrix("W");
        Variable b = T.vector("b");
        Variable loss = T.sum(T.sqr(T.tanh(T.add(T.dot(x, w), b))));
        List<Variable> outs = new ArrayList<>(List.of(loss));
        outs.addAll(Gradient.grad(loss, List.of(w, b)));
        Program p = Function.compile(List.of(x, w, b), outs).program();
        Program.Runner runner = p.runner();
        SplittableRandom rnd = new SplittableRandom(1);
        double[] gradientArray = null;
        for (int rep = 0; rep < 4; rep++) {
            int batch = rep == 2 ? 5 : 9;           // a different shape in between: arrays of the wrong size are not used
            NDArray[] args = {random(rnd, batch, 12), random(rnd, 12, 10), random(rnd, 10)};
            NDArray[] want = p.run(args);
            NDArray[] got = runner.run(args);
            assertArrayEquals(want, got, "run " + rep);
            if (rep == 1) {
                gradientArray = got[1].unsafeData();
            }
            if (rep == 3) {
                assertSame(gradientArray, got[1].unsafeData(), "dW is written into the array of an earlier run");
            }
        }
    }

    @Test
    void transposesInTilesMatchTheirDefinition() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] shape : new int[][] {{37, 70}, {1, 33, 65}, {64, 1}, {3, 1, 40}}) {
            Variable x = T.tensor(DType.FLOAT64, shape.length, "x");
            Variable y = shape.length == 2 ? T.transpose(x) : T.dimshuffle(x, 2, 1, 0);
            Program p = Function.compile(List.of(x), T.mul(y, 1.0)).program();
            Program.Runner runner = p.runner();
            NDArray xv = random(rnd, shape);
            for (int rep = 0; rep < 2; rep++) {
                NDArray got = runner.run(xv)[0];
                assertEquals(p.run(xv)[0], got);
                int[] ys = got.shape();
                for (int f = 0; f < got.size(); f++) {
                    int[] idx = NDArray.unravel(f, ys);
                    int[] src = new int[idx.length];
                    for (int a = 0; a < idx.length; a++) {
                        src[idx.length - 1 - a] = idx[a];          // both permutations reverse the axes
                    }
                    assertEquals(xv.get(src), got.getFlat(f), java.util.Arrays.toString(shape) + " element " + f);
                }
            }
        }
    }

    @Test
    void anOutputSetAsASharedVariablesValueIsNotOverwrittenWhileItIsRead() {
        SharedVariable w = T.shared(NDArray.of(1, 2, 3), "w");
        Variable x = T.vector("x");
        Variable next = T.add(T.mul(w, 0.5), x);
        Program p = Function.compile(List.of(x), List.of(next, T.add(next, w))).program();
        Program.Runner runner = p.runner();
        NDArray xv = NDArray.of(10, 20, 30);
        for (int rep = 0; rep < 4; rep++) {                 // a training loop: w <- the new value
            NDArray[] want = p.run(xv);
            NDArray[] got = runner.run(xv);
            assertArrayEquals(want, got, "step " + rep);
            w.setValue(got[0]);
        }
    }

    @Test
    void anOutputPassedBackAsAnInputIsNotOverwrittenWhileItIsRead() {
        Variable w = T.matrix("W");
        Variable v = T.vector("v");
        Program p = Function.compile(List.of(w, v), T.dot(w, v)).program();
        Program.Runner runner = p.runner();
        SplittableRandom rnd = new SplittableRandom(2);
        NDArray wv = random(rnd, 40, 40);
        NDArray v0 = random(rnd, 40);
        NDArray want = v0;
        NDArray got = v0;
        for (int rep = 0; rep < 5; rep++) {           // power iteration: each output is the next input
            want = p.run(wv, want)[0];
            got = runner.run(wv, got)[0];
            assertEquals(want, got, "iteration " + rep);
        }
    }
}
