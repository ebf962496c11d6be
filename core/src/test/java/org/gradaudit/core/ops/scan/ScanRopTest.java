package org.gradaudit.core.ops.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.check.VerifyOptions;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;
import org.junit.jupiter.api.Test;

class ScanRopTest {
    private static final VerifyOptions OPTS = VerifyOptions.builder().seed(20261126L).nTests(2).build();
    private static final RopOptions ROP = RopOptions.builder().disconnectedOutputs(DisconnectedInputs.IGNORE)
            .returnDisconnected(ReturnDisconnected.ZERO).build();

    /** J v by central differences, column by column, against the R-op of the scan. */
    private static void againstExplicitJacobian(SymbolicFunction fn, List<NDArray> points) {
        List<Variable> in = new ArrayList<>();
        List<Variable> tangents = new ArrayList<>();
        for (NDArray p : points) {
            Variable v = T.tensor(p.dtype(), p.ndim(), null);
            in.add(v);
            tangents.add(T.tensor(p.dtype(), p.ndim(), null));
        }
        Variable out = fn.apply(in);
        Variable jv = Gradient.rop(List.of(out), in, tangents, RopOptions.DEFAULTS).get(0);
        assertTrue(jv.owner().op() instanceof Scan, "the R-op is a scan");
        List<Variable> all = new ArrayList<>(in);
        all.addAll(tangents);
        Function f = Function.compile(all, jv);
        Function fwd = Function.compile(in, out);
        NDArray[] args = new NDArray[all.size()];
        double[][] v = new double[points.size()][];
        for (int k = 0; k < points.size(); k++) {
            args[k] = points.get(k);
            NDArray t = ScanFixtures.random(100 + k, points.get(k).shape());
            v[k] = t.toDoubleArray();
            args[points.size() + k] = t;
        }
        NDArray got = f.call1(args);
        double h = 1e-6;
        double[] want = new double[got.size()];
        for (int k = 0; k < points.size(); k++) {
            for (int i = 0; i < v[k].length; i++) {
                NDArray[] up = points.toArray(new NDArray[0]);
                NDArray[] down = points.toArray(new NDArray[0]);
                up[k] = shifted(points.get(k), i, h);
                down[k] = shifted(points.get(k), i, -h);
                NDArray fu = fwd.call1(up);
                NDArray fd = fwd.call1(down);
                for (int o = 0; o < want.length; o++) {
                    want[o] += (fu.getFlat(o) - fd.getFlat(o)) / (2 * h) * v[k][i];
                }
            }
        }
        for (int o = 0; o < want.length; o++) {
            assertEquals(want[o], got.getFlat(o), 1e-7 * Math.max(1, Math.abs(want[o])), "element " + o + " of J v");
        }
    }

    private static NDArray shifted(NDArray p, int i, double h) {
        double[] d = p.toDoubleArray();
        d[i] += h;
        return NDArray.of(p.dtype(), p.shape(), d);
    }

    @Test
    void rnnRopMatchesAnExplicitJacobianTimesV() {
        againstExplicitJacobian(in -> ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3)), ScanFixtures.rnnPoints());
    }

    @Test
    void rnnRopPassesTheRopCheck() {
        RopCheck.verifyRop(in -> ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3)), ScanFixtures.rnnPoints(),
                OPTS, ROP);
    }

    @Test
    void twoTapsGoingBackwardsWithAnOutputWithoutFeedback() {
        SymbolicFunction fn = in -> Scan.builder().sequences(Scan.seq(in.get(0), -1, 0))
                .outputsInfo(Scan.state(in.get(1), -2, -1), Scan.noFeedback()).nonSequences(in.get(2)).goBackwards(true)
                .step(s -> {
                    Variable y = T.tanh(T.add(T.mul(s.nonSeq(0), s.state(0, -1)), T.mul(s.state(0, -2), s.seq(0, -1))));
                    return ScanStep.of(y, T.mul(y, s.seq(0, 0)));
                }).build().get(1);
        List<NDArray> pts = List.of(ScanFixtures.random(91, 6, 2), ScanFixtures.random(92, 2, 2), ScanFixtures.random(93, 2));
        againstExplicitJacobian(fn, pts);
        RopCheck.verifyRop(fn, pts, OPTS, ROP);
    }

    @Test
    void ropOfTheGradientOfAScan() {
        // a Hessian-vector product by forward-over-reverse: the R-op of the backward scan
        RopCheck.verifyRop(in -> Gradient.grad(T.sum(T.sqr(ScanFixtures.rnn(in.get(0), in.get(1), in.get(2), in.get(3)))),
                in.get(2)), ScanFixtures.rnnPoints(), OPTS, ROP);
    }

    @Test
    void ropWithUntilRunsTheSameSteps() {
        SymbolicFunction fn = in -> Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1))).step(s -> {
            Variable h = T.add(T.mul(s.state(0), 0.9), T.sqr(s.seq(0)));
            return ScanStep.of(h).until(T.gt(T.sum(h), 2.5));
        }).build().get(0);
        List<NDArray> pts = List.of(NDArray.of(new double[][] {{0.5, 0.6}, {0.7, 0.8}, {0.9, 1.0}, {1.1, 1.2}}),
                NDArray.of(0.1, 0.2));
        againstExplicitJacobian(fn, pts);
    }

    @Test
    void anOutputThatNoTangentReachesIsDisconnected() {
        Variable x = T.vector("x"), a0 = T.scalar("a0"), b0 = T.scalar("b0");
        List<Variable> out = Scan.builder().sequences(x).outputsInfo(Scan.state(a0), Scan.state(b0))
                .step(in -> ScanStep.of(T.add(in.state(0), in.seq(0)), T.mul(in.state(1), 2))).build();
        List<Variable> r = Gradient.rop(out, List.of(x), List.of(T.vector("v")), RopOptions.builder()
                .disconnectedOutputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.DISCONNECTED).build());
        assertTrue(!DisconnectedType.is(r.get(0)));
        assertTrue(DisconnectedType.is(r.get(1)));
    }
}
