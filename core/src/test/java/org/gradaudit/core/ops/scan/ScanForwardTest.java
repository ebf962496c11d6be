package org.gradaudit.core.ops.scan;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanBuilder;
import org.gradaudit.core.ops.ScanStep;
import org.junit.jupiter.api.Test;

class ScanForwardTest {
    private static NDArray[] arr(List<NDArray> l) {
        return l.toArray(new NDArray[0]);
    }

    @Test
    void rnnMatchesAHandLoop() {
        List<NDArray> p = ScanFixtures.rnnPoints();
        Variable x = T.matrix("x"), h0 = T.vector("h0"), w = T.matrix("W"), u = T.matrix("U");
        NDArray h = Function.compile(List.of(x, h0, w, u), ScanFixtures.rnn(x, h0, w, u)).call1(arr(p));
        assertShape(new int[] {5, 4}, h);
        assertValues(ScanFixtures.rnnReference(p.get(0), p.get(1), p.get(2), p.get(3), false), h, 1e-14);
    }

    @Test
    void goBackwardsReadsTheSequenceFromTheEndAndKeepsTheStepOrder() {
        List<NDArray> p = ScanFixtures.rnnPoints();
        Variable x = T.matrix("x"), h0 = T.vector("h0"), w = T.matrix("W"), u = T.matrix("U");
        NDArray h = Function.compile(List.of(x, h0, w, u), ScanFixtures.rnn(x, h0, w, u, -1, true)).call1(arr(p));
        assertValues(ScanFixtures.rnnReference(p.get(0), p.get(1), p.get(2), p.get(3), true), h, 1e-14);
    }

    @Test
    void fibonacciWithTapsMinusTwoAndMinusOne() {
        Variable y0 = T.vector("y0");
        Variable y = Scan.builder().outputsInfo(Scan.state(y0, -2, -1)).nSteps(8)
                .step(in -> ScanStep.of(T.add(in.state(0, -2), in.state(0, -1)))).build().get(0);
        NDArray v = Function.compile(List.of(y0), y).call1(NDArray.of(0, 1));
        assertValues(new double[] {1, 2, 3, 5, 8, 13, 21, 34}, v, 0);      // initial taps excluded
    }

    @Test
    void tapsMinusThreeAndMinusOneUseAnInitOfThreeRows() {
        Variable y0 = T.matrix("y0");
        Variable y = Scan.builder().outputsInfo(Scan.state(y0, -3, -1)).nSteps(4)
                .step(in -> ScanStep.of(T.sub(in.state(0, -1), in.state(0, -3)))).build().get(0);
        NDArray v = Function.compile(List.of(y0), y).call1(NDArray.of(new double[][] {{1, 10}, {2, 20}, {4, 40}}));
        // y_0 = 4 - 1, y_1 = 3 - 2, y_2 = 1 - 4, y_3 = -3 - 3
        assertValues(new double[] {3, 30, 1, 10, -3, -30, -6, -60}, v, 0);
    }

    @Test
    void sequenceTapsFollowTheanosCut() {
        Variable x = T.vector("x");
        // taps [-1, 1]: step t reads x[t] and x[t+2]; 5 rows give 3 steps
        List<Variable> out = Scan.builder().sequences(Scan.seq(x, -1, 1)).outputsInfo(Scan.noFeedback())
                .step(in -> ScanStep.of(T.sub(in.seq(0, 1), T.mul(in.seq(0, -1), 10)))).build();
        NDArray v = Function.compile(List.of(x), out).call1(NDArray.of(1, 2, 3, 4, 5));
        assertValues(new double[] {3 - 10, 4 - 20, 5 - 30}, v, 0);
        // only positive taps are cut as if tap 0 were used: taps [1] gives 4 steps reading x[t+1]
        Variable y = Scan.builder().sequences(Scan.seq(x, 1)).outputsInfo(Scan.noFeedback())
                .step(in -> ScanStep.of(in.seq(0))).build().get(0);
        assertValues(new double[] {2, 3, 4, 5}, Function.compile(List.of(x), y).call1(NDArray.of(1, 2, 3, 4, 5)), 0);
    }

    @Test
    void severalOutputsMixStatesAndOutputsWithoutFeedback() {
        Variable x = T.vector("x"), a0 = T.scalar("a0");
        List<Variable> out = Scan.builder().sequences(x).outputsInfo(Scan.noFeedback(), Scan.state(a0), Scan.noFeedback())
                .step(in -> {
                    Variable acc = T.add(in.state(0), in.seq(0));
                    return ScanStep.of(T.mul(in.seq(0), 2), acc, T.mul(acc, acc));
                }).build();
        List<NDArray> v = Function.compile(List.of(x, a0), out).call(NDArray.of(1, 2, 3), NDArray.scalar(10));
        assertValues(new double[] {2, 4, 6}, v.get(0), 0);
        assertValues(new double[] {11, 13, 16}, v.get(1), 0);
        assertValues(new double[] {121, 169, 256}, v.get(2), 0);
    }

    @Test
    void nStepsUsesTheFirstRowsOfLongerSequences() {
        Variable x = T.vector("x"), n = T.lscalar("n");
        Variable y = Scan.builder().sequences(x).outputsInfo(Scan.state(T.constant(0.0))).nSteps(n)
                .step(in -> ScanStep.of(T.add(in.state(0), in.seq(0)))).build().get(0);
        Function f = Function.compile(List.of(x, n), y);
        assertValues(new double[] {1, 3}, f.call1(NDArray.of(1, 2, 3, 4), NDArray.scalar(DType.INT64, 2)), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.call1(NDArray.of(1, 2, 3, 4), NDArray.scalar(DType.INT64, 5)));
        assertTrue(e.getMessage().contains("gives 4 steps, fewer than nSteps = 5"), e.getMessage());
    }

    @Test
    void untilStopsAfterTheStepWhereTheConditionHolds() {
        Variable x0 = T.scalar("x0");
        ScanBuilder.ScanResult r = Scan.builder().outputsInfo(Scan.state(x0)).nSteps(100)
                .step(in -> {
                    Variable next = T.mul(in.state(0), 2);
                    return ScanStep.of(next).until(T.gt(next, 50));
                }).buildResult();
        List<NDArray> v = Function.compile(List.of(x0), List.of(r.outputs().get(0), r.stepsRun())).call(NDArray.scalar(1));
        assertValues(new double[] {2, 4, 8, 16, 32, 64}, v.get(0), 0);
        assertShape(new int[] {6}, v.get(0));
        assertEquals(6, (int) v.get(1).item());
        // never true: all nSteps run
        List<NDArray> w = Function.compile(List.of(x0), List.of(r.outputs().get(0), r.stepsRun())).call(NDArray.scalar(-1));
        assertEquals(100, w.get(0).shape(0));
        assertEquals(100, (int) w.get(1).item());
    }

    @Test
    void sharedAndClosedOverVariablesBecomeImplicitNonSequences() {
        SharedVariable w = T.shared(NDArray.of(2.0, 3.0), "w");
        Variable c = T.vector("c");
        Variable twice = T.mul(c, 2);                 // computed outside, read inside
        Variable y = Scan.builder().outputsInfo(Scan.state(T.zerosLike(c))).nSteps(3)
                .step(in -> ScanStep.of(T.add(T.mul(in.state(0), w), twice))).build().get(0);
        Function f = Function.compile(List.of(c), y);
        NDArray v = f.call1(NDArray.of(1, 1));
        // h1 = 2, h2 = 2*2+2 = 6, h3 = 14 ; second column: 2, 8, 26
        assertValues(new double[] {2, 2, 6, 8, 14, 26}, v, 0);
        w.setValue(NDArray.of(1.0, 1.0));
        assertValues(new double[] {2, 2, 4, 4, 6, 6}, f.call1(NDArray.of(1, 1)), 0);
    }

    @Test
    void zeroStepsGiveEmptyOutputs() {
        Variable x = T.matrix("x"), h0 = T.vector("h0"), w = T.matrix("W"), u = T.matrix("U");
        NDArray h = Function.compile(List.of(x, h0, w, u), ScanFixtures.rnn(x, h0, w, u))
                .call1(NDArray.zeros(DType.FLOAT64, 0, 3), NDArray.zeros(DType.FLOAT64, 4),
                        NDArray.zeros(DType.FLOAT64, 4, 4), NDArray.zeros(DType.FLOAT64, 4, 3));
        assertShape(new int[] {0, 4}, h);
    }

    @Test
    void inputsAreNotModified() {
        List<NDArray> p = ScanFixtures.rnnPoints();
        List<NDArray> copies = p.stream().map(a -> NDArray.of(a.dtype(), a.shape(), a.toDoubleArray())).toList();
        Variable x = T.matrix("x"), h0 = T.vector("h0"), w = T.matrix("W"), u = T.matrix("U");
        Function.compile(List.of(x, h0, w, u), ScanFixtures.rnn(x, h0, w, u)).call(arr(p));
        assertEquals(copies, p);
    }

    // ---- errors ----

    @Test
    void sequencesOfDifferentLengthsAreAnErrorNamingBoth() {
        Variable a = T.vector("a"), b = T.vector("b");
        Variable y = Scan.builder().sequences(a, b).outputsInfo(Scan.noFeedback())
                .step(in -> ScanStep.of(T.add(in.seq(0), in.seq(1)))).build().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(a, b), y).call1(NDArray.of(1, 2, 3), NDArray.of(1, 2)));
        assertTrue(e.getMessage().contains("sequences of different lengths: sequence 1 (shape [2]")
                && e.getMessage().contains("sequence 0 (shape [3]"), e.getMessage());
    }

    @Test
    void aStepReturningTheWrongNumberOfOutputsIsAnError() {
        Variable x = T.vector("x"), h0 = T.scalar("h0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scan.builder().sequences(x).outputsInfo(Scan.state(h0), Scan.noFeedback())
                        .step(in -> ScanStep.of(in.seq(0))).build());
        assertEquals("Scan: the step function returned 1 output but outputsInfo declares 2 (one per state and per"
                + " output without feedback)", e.getMessage());
    }

    @Test
    void aStateWhoseShapeChangesIsAnErrorAtRunTime() {
        Variable h0 = T.vector("h0"), m = T.matrix("m");
        Variable y = Scan.builder().outputsInfo(Scan.state(h0)).nSteps(2)
                .step(in -> ScanStep.of(T.dot(m, in.state(0)))).build().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(h0, m), y).call1(NDArray.of(1, 2), NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}})));
        assertTrue(e.getMessage().contains("state 0 has shape [3] after step 0 but its initial value has shape [2]"),
                e.getMessage());
    }

    @Test
    void aStateWhoseDtypeOrNdimChangesIsAnErrorAtBuildTime() {
        Variable h0 = T.fvector("h0"), w = T.dvector("w");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scan.builder().outputsInfo(Scan.state(h0)).nSteps(2)
                        .step(in -> ScanStep.of(T.mul(in.state(0), w))).build());
        assertTrue(e.getMessage().startsWith("Scan: step output 0") && e.getMessage().contains("float64")
                && e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void anInitWithTheWrongNumberOfTapRowsIsAnError() {
        Variable y0 = T.vector("y0");
        Variable y = Scan.builder().outputsInfo(Scan.state(y0, -2, -1)).nSteps(3)
                .step(in -> ScanStep.of(T.add(in.state(0, -2), in.state(0, -1)))).build().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(y0), y).call1(NDArray.of(1, 2, 3)));
        assertTrue(e.getMessage().contains("taps [-2, -1] need a leading axis of length 2"), e.getMessage());
    }

    @Test
    void withoutSequencesNStepsIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scan.builder().outputsInfo(Scan.state(T.scalar("a"))).step(in -> ScanStep.of(in.state(0))).build());
        assertTrue(e.getMessage().contains("no information about the number of steps"), e.getMessage());
    }

    @Test
    void positiveStateTapsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scan.builder().outputsInfo(Scan.state(T.vector("a"), 1)).nSteps(2)
                        .step(in -> ScanStep.of(in.state(0))).build());
        assertTrue(e.getMessage().contains("the taps of a state must be negative"), e.getMessage());
    }

    @Test
    void untilMustBeAScalar() {
        Variable x = T.vector("x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scan.builder().sequences(x).outputsInfo(Scan.noFeedback())
                        .step(in -> ScanStep.of(in.seq(0)).until(T.gt(x, 0))).build());
        assertTrue(e.getMessage().contains("until condition") && e.getMessage().contains("must be a scalar"), e.getMessage());
    }

    @Test
    void theFacadeOffersTheBuilder() {
        Variable x = T.vector("x");
        Variable y = T.scan().sequences(x).outputsInfo(Scan.state(T.constant(1.0)))
                .step(in -> ScanStep.of(T.mul(in.state(0), in.seq(0)))).build().get(0);
        assertValues(new double[] {2, 6, 24}, Function.compile(List.of(x), y).call1(NDArray.of(2, 3, 4)), 0);
    }
}
