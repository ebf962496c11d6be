package org.gradaudit.core.ops.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;
import org.junit.jupiter.api.Test;

class ScanGradTest {
    private static final VerifyOptions OPTS = VerifyOptions.builder().seed(20261126L).nTests(2).build();

    private static NDArray[] arr(List<NDArray> l) {
        return l.toArray(new NDArray[0]);
    }

    @Test
    void rnnGradientWithRespectToSequenceInitialStateAndWeights() {
        VerifyGrad.verifyGrad(in -> ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3)),
                ScanFixtures.rnnPoints(), OPTS);
    }

    @Test
    void rnnGoingBackwards() {
        VerifyGrad.verifyGrad(in -> ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3), -1, true),
                ScanFixtures.rnnPoints(), OPTS);
    }

    /** y_t = tanh(a * y_{t-1} + b * y_{t-2} + x_t): two taps, init of two rows. */
    private static Variable twoTaps(Variable x, Variable y0, Variable a, Variable b) {
        return Scan.builder().sequences(x).outputsInfo(Scan.state(y0, -2, -1)).nonSequences(a, b)
                .step(in -> ScanStep.of(T.tanh(T.add(T.add(T.mul(a, in.state(0, -1)), T.mul(b, in.state(0, -2))),
                        in.seq(0))))).build().get(0);
    }

    private static List<NDArray> twoTapPoints() {
        return List.of(ScanFixtures.random(11, 6, 3), ScanFixtures.random(12, 2, 3), ScanFixtures.random(13, 3),
                ScanFixtures.random(14, 3));
    }

    @Test
    void severalTapsGradientReachesBothInitialRows() {
        VerifyGrad.verifyGrad(in -> twoTaps(in.get(0), in.get(1), in.get(2), in.get(3)), twoTapPoints(), OPTS);
        Variable x = T.matrix("x"), y0 = T.matrix("y0"), a = T.vector("a"), b = T.vector("b");
        Variable g = Gradient.grad(T.sum(twoTaps(x, y0, a, b)), y0);
        NDArray gv = Function.compile(List.of(x, y0, a, b), g).call1(arr(twoTapPoints()));
        for (int i = 0; i < gv.size(); i++) {
            assertNotEquals(0.0, gv.getFlat(i), "element " + i + " of the init gradient");
        }
    }

    @Test
    void sequenceTapsGradient() {
        VerifyGrad.verifyGrad(in -> Scan.builder().sequences(Scan.seq(in.get(0), -2, 0, 1))
                .outputsInfo(Scan.state(in.get(1))).nonSequences(in.get(2))
                .step(s -> ScanStep.of(T.tanh(T.add(T.mul(s.state(0), s.nonSeq(0)),
                        T.sub(T.mul(s.seq(0, -2), s.seq(0, 1)), s.seq(0, 0)))))).build().get(0),
                List.of(ScanFixtures.random(21, 7, 2), ScanFixtures.random(22, 2), ScanFixtures.random(23, 2)), OPTS);
    }

    @Test
    void goBackwardsWithSequenceTapsAndFewerSteps() {
        VerifyGrad.verifyGrad(in -> Scan.builder().sequences(Scan.seq(in.get(0), -1, 0))
                .outputsInfo(Scan.state(in.get(1))).nSteps(3).goBackwards(true)
                .step(s -> ScanStep.of(T.tanh(T.add(T.mul(s.state(0), s.seq(0, -1)), s.seq(0, 0))))).build().get(0),
                List.of(ScanFixtures.random(31, 6, 2), ScanFixtures.random(32, 2)), OPTS);
    }

    @Test
    void rowsOfALongerSequenceThatNoStepReadsGetExactlyZero() {
        Variable x = T.vector("x");
        Variable y = Scan.builder().sequences(x).outputsInfo(Scan.state(T.constant(0.0))).nSteps(3)
                .step(in -> ScanStep.of(T.add(T.mul(in.state(0), in.seq(0)), T.sqr(in.seq(0))))).build().get(0);
        NDArray g = Function.compile(List.of(x), Gradient.grad(T.sum(y), x)).call1(NDArray.of(0.5, -1, 2, 3, 4));
        assertEquals(0.0, g.getFlat(3));
        assertEquals(0.0, g.getFlat(4));
        assertNotEquals(0.0, g.getFlat(2));
    }

    @Test
    void outputsWithoutFeedbackAndAnUnusedOutput() {
        // cost uses only the no-feedback output; the state output's gradient is DisconnectedType
        VerifyGrad.verifyGrad(in -> Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1)), Scan.noFeedback())
                .step(s -> {
                    Variable h = T.tanh(T.add(s.state(0), s.seq(0)));
                    return ScanStep.of(h, T.mul(h, s.seq(0)));
                }).build().get(1), List.of(ScanFixtures.random(41, 4, 3), ScanFixtures.random(42, 3)), OPTS);
    }

    @Test
    void untilGradientCoversTheStepsRun() {
        // stops when the running sum exceeds 2.5: far from any perturbation of the points
        VerifyGrad.verifyGrad(in -> Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1)))
                .step(s -> {
                    Variable h = T.add(s.state(0), T.sqr(s.seq(0)));
                    return ScanStep.of(h).until(T.gt(T.sum(h), 2.5));
                }).build().get(0), List.of(NDArray.of(new double[][] {{0.5, 0.6}, {0.7, 0.8}, {0.9, 1.0}, {1.1, 1.2}}),
                NDArray.of(0.1, 0.2)), OPTS);
        Variable x = T.matrix("x"), h0 = T.vector("h0");
        Variable y = Scan.builder().sequences(x).outputsInfo(Scan.state(h0)).step(s -> {
            Variable h = T.add(s.state(0), T.sqr(s.seq(0)));
            return ScanStep.of(h).until(T.gt(T.sum(h), 2.5));
        }).build().get(0);
        NDArray gx = Function.compile(List.of(x, h0), Gradient.grad(T.sum(y), x))
                .call1(NDArray.of(new double[][] {{0.5, 0.6}, {0.7, 0.8}, {0.9, 1.0}, {1.1, 1.2}}), NDArray.of(0.1, 0.2));
        // three steps ran (sums 0.91, 2.04, 3.85): row 3 is not read, row 0 feeds three outputs
        assertEquals(0.0, gx.get(3, 0));
        assertEquals(0.0, gx.get(3, 1));
        assertEquals(3 * 2 * 0.5, gx.get(0, 0), 1e-15);
        assertEquals(1 * 2 * 0.9, gx.get(2, 0), 1e-15);
    }

    @Test
    void truncatedGradientIsZeroOnTheEarlyStepsAndExactOnTheLastOnes() {
        List<NDArray> p = List.of(ScanFixtures.random(51, 6, 3), ScanFixtures.random(52, 4),
                ScanFixtures.rnnPoints().get(2), ScanFixtures.random(54, 4, 3));
        Variable x = T.matrix("x"), h0 = T.vector("h0"), w = T.matrix("W"), u = T.matrix("U");
        List<Variable> in = List.of(x, h0, w, u);
        List<NDArray> full = Function.compile(in, Gradient.grad(T.sum(ScanFixtures.rnn(x, h0, w, u, -1, false)), List.of(x, h0, w)))
                .call(arr(p));
        List<NDArray> trunc = Function.compile(in, Gradient.grad(T.sum(ScanFixtures.rnn(x, h0, w, u, 2, false)), List.of(x, h0, w)))
                .call(arr(p));
        NDArray gx = trunc.get(0);
        for (int t = 0; t < 6; t++) {
            for (int j = 0; j < 3; j++) {
                if (t < 4) {
                    assertEquals(0.0, gx.get(t, j), "row " + t + " is before the last 2 steps");
                    assertNotEquals(0.0, full.get(0).get(t, j));
                } else {
                    assertNotEquals(0.0, gx.get(t, j));
                    assertEquals(full.get(0).get(t, j), gx.get(t, j), 1e-15, "row " + t + " is within the last 2 steps");
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(0.0, trunc.get(1).getFlat(i), "h0 is 6 steps back, beyond the truncation");
        }
        assertTrue(Math.abs(trunc.get(2).getFlat(0) - full.get(2).getFlat(0)) > 1e-6, "W sums only the last 2 steps");
        // a truncation at least as long as the sequence is the full gradient
        List<NDArray> longTrunc = Function.compile(in,
                Gradient.grad(T.sum(ScanFixtures.rnn(x, h0, w, u, 6, false)), List.of(x, h0, w))).call(arr(p));
        for (int k = 0; k < 3; k++) {
            assertTrue(full.get(k).allClose(longTrunc.get(k), 0, 1e-15), "output " + k);
        }
    }

    @Test
    void truncationWithTwoTapsReachesTheLateInitRow() {
        // 3 steps, truncation 2: steps 2 and 1 are visited; step 1 reads init row 1 at tap -2, nothing reads row 0 then
        Variable x = T.matrix("x"), y0 = T.matrix("y0"), a = T.vector("a"), b = T.vector("b");
        Variable y = Scan.builder().sequences(x).outputsInfo(Scan.state(y0, -2, -1)).nonSequences(a, b).truncateGradient(2)
                .step(in -> ScanStep.of(T.tanh(T.add(T.add(T.mul(a, in.state(0, -1)), T.mul(b, in.state(0, -2))),
                        in.seq(0))))).build().get(0);
        NDArray g = Function.compile(List.of(x, y0, a, b), Gradient.grad(T.sum(y), y0)).call1(ScanFixtures.random(61, 3, 3),
                ScanFixtures.random(62, 2, 3), ScanFixtures.random(63, 3), ScanFixtures.random(64, 3));
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, g.get(0, j));
            assertNotEquals(0.0, g.get(1, j));
        }
    }

    @Test
    void gradientWithRespectToASharedVariableUsedInsideMatchesFiniteDifferences() {
        SharedVariable w = T.shared(NDArray.of(new double[][] {{0.3, -0.2}, {0.1, 0.4}}), "W");
        Variable x = T.matrix("x"), h0 = T.vector("h0");
        Variable h = Scan.builder().sequences(x).outputsInfo(Scan.state(h0))
                .step(in -> ScanStep.of(T.tanh(T.add(T.dot(w, in.state(0)), in.seq(0))))).build().get(0);
        Variable cost = T.sum(T.mul(h, h));
        Function fg = Function.compile(List.of(x, h0), Gradient.grad(cost, w));
        Function fc = Function.compile(List.of(x, h0), cost);
        NDArray xv = ScanFixtures.random(71, 5, 2);
        NDArray hv = ScanFixtures.random(72, 2);
        NDArray g = fg.call1(xv, hv);
        NDArray w0 = w.getValue();
        double eps = 1e-6;
        for (int i = 0; i < 4; i++) {
            double[] up = w0.toDoubleArray();
            double[] down = w0.toDoubleArray();
            up[i] += eps;
            down[i] -= eps;
            w.setValue(NDArray.of(DType.FLOAT64, new int[] {2, 2}, up));
            double cu = fc.call1(xv, hv).item();
            w.setValue(NDArray.of(DType.FLOAT64, new int[] {2, 2}, down));
            double cd = fc.call1(xv, hv).item();
            w.setValue(w0);
            assertEquals((cu - cd) / (2 * eps), g.getFlat(i), 1e-8, "element " + i);
        }
    }

    @Test
    void aDisconnectedInputRaisesWithDefaultOptions() {
        Variable x = T.vector("x"), a0 = T.scalar("a0"), b0 = T.scalar("b0"), v = T.scalar("v");
        List<Variable> out = Scan.builder().sequences(x).outputsInfo(Scan.state(a0), Scan.state(b0))
                .step(in -> ScanStep.of(T.add(in.state(0), in.seq(0)), T.mul(in.state(1), v))).build();
        Variable cost = T.sum(out.get(0));
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class, () -> Gradient.grad(cost, b0));
        assertTrue(e.getMessage().contains("not part of the computational graph of the cost"), e.getMessage());
        assertThrows(DisconnectedInputError.class, () -> Gradient.grad(cost, v));
        // with IGNORE: zeros for the disconnected ones, the real gradient for the others
        List<Variable> g = Gradient.grad(cost, List.of(a0, b0, v, x),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        List<NDArray> gv = Function.compile(List.of(x, a0, b0, v), g).call(NDArray.of(1, 2, 3), NDArray.scalar(1),
                NDArray.scalar(2), NDArray.scalar(3));
        assertEquals(3.0, gv.get(0).item());
        assertEquals(0.0, gv.get(1).item());
        assertEquals(0.0, gv.get(2).item());
        assertEquals(List.of(3.0, 2.0, 1.0), List.of(gv.get(3).getFlat(0), gv.get(3).getFlat(1), gv.get(3).getFlat(2)));
    }

    @Test
    void integerInputsGetNoGradient() {
        Variable x = T.vector("x"), k = T.ivector("k"), n = T.lscalar("n");
        Variable y = Scan.builder().sequences(x, k).outputsInfo(Scan.state(T.constant(0.0))).nSteps(n)
                .step(in -> ScanStep.of(T.add(in.state(0), T.mul(in.seq(0), in.seq(1))))).build().get(0);
        Variable cost = T.sum(y);
        List<Variable> g = Gradient.grad(cost, List.of(x, k), GradOptions.builder()
                .disconnectedInputs(DisconnectedInputs.IGNORE).build());
        assertEquals(DType.FLOAT64, g.get(1).dtype());
        List<NDArray> gv = Function.compile(List.of(x, k, n), g).call(NDArray.of(1, 2, 3),
                NDArray.of(DType.INT32, new int[] {3}, 4, 5, 6), NDArray.scalar(DType.INT64, 3));
        assertEquals(List.of(12.0, 10.0, 6.0), List.of(gv.get(0).getFlat(0), gv.get(0).getFlat(1), gv.get(0).getFlat(2)));
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, gv.get(1).getFlat(i));
        }
        assertThrows(DisconnectedInputError.class, () -> Gradient.grad(cost, n));
    }

    // ---- second order ----

    @Test
    void secondOrderThroughAnRnn() {
        VerifyGrad.verifyGrad2(in -> ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3)),
                ScanFixtures.rnnPoints(), OPTS);
    }

    @Test
    void secondOrderWithTwoTapsGoingBackwards() {
        VerifyGrad.verifyGrad2(in -> Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1), -2, -1))
                .nonSequences(in.get(2)).goBackwards(true)
                .step(s -> ScanStep.of(T.tanh(T.add(T.mul(s.nonSeq(0), s.state(0, -1)), T.mul(s.state(0, -2), s.seq(0))))))
                .build().get(0), List.of(ScanFixtures.random(81, 5, 2), ScanFixtures.random(82, 2, 2),
                ScanFixtures.random(83, 2)), OPTS);
    }

    @Test
    void thirdOrderThroughAScalarRecurrence() {
        // d^3/dx^3 of sum over steps of h, h_t = sin(h_{t-1}) * x
        Variable x = T.scalar("x");
        Variable h = Scan.builder().outputsInfo(Scan.state(T.constant(0.5))).nSteps(3)
                .step(in -> ScanStep.of(T.mul(T.sin(in.state(0)), x))).build().get(0);
        Variable g1 = Gradient.grad(T.sum(h), x);
        Variable g2 = Gradient.grad(g1, x);
        Variable g3 = Gradient.grad(g2, x);
        Function f = Function.compile(List.of(x), List.of(T.sum(h), g2, g3));
        double x0 = 0.7;
        double e = 1e-3;
        double[] fm = new double[5];
        for (int i = 0; i < 5; i++) {
            fm[i] = f.call(NDArray.scalar(x0 + (i - 2) * e)).get(0).item();
        }
        List<NDArray> at = f.call(NDArray.scalar(x0));
        double d2 = (fm[3] - 2 * fm[2] + fm[1]) / (e * e);
        double d3 = (fm[4] - 2 * fm[3] + 2 * fm[1] - fm[0]) / (2 * e * e * e);
        assertEquals(d2, at.get(1).item(), 1e-5);
        assertEquals(d3, at.get(2).item(), 1e-3);
    }
}
