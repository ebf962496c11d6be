package org.gradaudit.core.theano;

import static org.gradaudit.core.theano.Th.assertValues;
import static org.gradaudit.core.theano.Th.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullTypeGradError;
import org.gradaudit.core.Op;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.GradientOps;
import org.junit.jupiter.api.Test;

/** §7 of the spec: zero_grad, disconnected_grad, undefined_grad, grad_clip, grad_scale, consider_constant. */
class GradientOpsTest {
    private final Variable s = T.scalar("s");
    private final Variable x = T.vector("x");
    private final Variable v = T.vector("v");
    private final NDArray xv = NDArray.of(0.5, -1.0, 2.0);
    private final NDArray vv = NDArray.of(1.0, 2.0, -3.0);

    private double gradAt(Variable cost, double at) {
        return eval1(List.of(s), Gradient.grad(cost, s), NDArray.scalar(at)).item();
    }

    @Test
    void gradClipClipsTheBackwardPassOnly() {
        Variable c = T.sqr(Gradient.gradClip(s, -1, 1));
        assertEquals(1.0, gradAt(c, 2), 0);
        assertEquals(-1.0, gradAt(c, -3), 0);
        assertEquals(0.5, gradAt(c, 0.25), 0);
        assertEquals(4.0, gradAt(T.sqr(s), 2), 0);
        assertEquals(4.0, eval1(List.of(s), c, NDArray.scalar(2)).item(), 0);
    }

    @Test
    void gradClipWithEqualBoundsGivesThatBound() {
        assertEquals(0.5, gradAt(T.sqr(Gradient.gradClip(s, 0.5, 0.5)), -7), 0);
    }

    @Test
    void gradClipRejectsAnUpperBoundBelowTheLowerOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gradient.gradClip(s, 1, -1));
        assertTrue(e.getMessage().contains("upper bound -1.0 should be >= the lower bound 1.0"), e.getMessage());
    }

    @Test
    void gradScaleMultipliesTheGradient() {
        assertEquals(8.0, gradAt(T.sqr(Gradient.gradScale(s, 2)), 2), 0);
        double t = org.gradaudit.core.tensor.SpecialFunctions.tanh(0.7);     // the tanh op's own value
        assertEquals(-(1 - t * t), gradAt(Gradient.gradScale(T.tanh(s), -1), 0.7), 1e-15);
        assertEquals(t, eval1(List.of(s), Gradient.gradScale(T.tanh(s), -1), NDArray.scalar(0.7)).item(), 0);
    }

    @Test
    void zeroGradGivesZerosAndStaysConnected() {
        Variable g = Gradient.grad(T.sum(Gradient.zeroGrad(x)), x);
        assertValues(new double[] {0, 0, 0}, eval1(List.of(x), g, xv), 0);
        Variable g2 = Gradient.grad(T.sum(T.mul(Gradient.zeroGrad(x), x)), x);
        assertValues(xv.toDoubleArray(), eval1(List.of(x), g2, xv), 0);
    }

    @Test
    void disconnectedGradDisconnects() {
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.grad(T.sum(Gradient.disconnectedGrad(x)), x));
        assertSame(x, e.variable());
        Variable g = Gradient.grad(T.sum(Gradient.disconnectedGrad(x)), x,
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        assertValues(new double[] {0, 0, 0}, eval1(List.of(x), g, xv), 0);
        Variable g2 = Gradient.grad(T.sum(T.mul(Gradient.disconnectedGrad(x), x)), x);
        assertValues(xv.toDoubleArray(), eval1(List.of(x), g2, xv), 0);
    }

    @Test
    void undefinedGradMakesTheGradientUndefined() {
        NullTypeGradError e = assertThrows(NullTypeGradError.class,
                () -> Gradient.grad(T.sum(Gradient.undefinedGrad(x)), x));
        assertTrue(e.getMessage().contains("of the UndefinedGrad op is mathematically undefined"), e.getMessage());
    }

    @Test
    @SuppressWarnings("deprecation")
    void considerConstantIsDeprecatedWarnsAndGivesZeros() {
        Logger jul = Logger.getLogger(Gradient.class.getName());
        List<String> logged = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { logged.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        jul.addHandler(h);
        try {
            Variable cc = Gradient.considerConstant(x);
            assertTrue(logged.contains("considerConstant() is deprecated, use zeroGrad() or disconnectedGrad() instead."),
                    logged.toString());
            Variable g = Gradient.grad(T.sum(cc), x);
            assertValues(new double[] {0, 0, 0}, eval1(List.of(x), g, xv), 0);
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void everyGradientOpIsTheIdentityForward() {
        List<UnaryOperator<Variable>> ops = List.of(Gradient::zeroGrad, Gradient::disconnectedGrad,
                Gradient::undefinedGrad, a -> Gradient.gradClip(a, -1, 1), a -> Gradient.gradScale(a, 3),
                Gradient::considerConstant);
        for (UnaryOperator<Variable> op : ops) {
            Variable y = op.apply(x);
            assertTrue(y.owner().op() instanceof GradientOps.ViewOp, y.owner().op().toString());
            assertValues(xv.toDoubleArray(), eval1(List.of(x), y, xv), 0);
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void gradientOpsAreRemovedFromCompiledPrograms() {
        Variable y = T.mul(Gradient.gradScale(Gradient.gradClip(Gradient.zeroGrad(Gradient.considerConstant(
                Gradient.disconnectedGrad(Gradient.undefinedGrad(x)))), -1, 1), 2), 3.0);
        Function f = Function.compile(List.of(x), y);
        List<Op> ops = f.program().ops();
        assertEquals(1, ops.size(), ops.toString());
        assertTrue(ops.get(0) instanceof Elemwise, ops.toString());
        assertValues(new double[] {1.5, -3, 6}, f.call1(xv), 0);

        Variable g = Gradient.grad(T.sum(T.mul(Gradient.gradScale(Gradient.gradClip(x, -1, 1), 2), x)), x);
        for (Op op : Function.compile(List.of(x), g).program().ops()) {
            assertFalse(op instanceof GradientOps.ViewOp, op.toString());
        }
    }

    @Test
    void gradClipAndGradScaleEqualityIncludesTheirParameters() {
        assertEquals(new GradientOps.GradClip(-1, 1), new GradientOps.GradClip(-1, 1));
        assertEquals(new GradientOps.GradClip(-1, 1).hashCode(), new GradientOps.GradClip(-1, 1).hashCode());
        assertNotEquals(new GradientOps.GradClip(-1, 1), new GradientOps.GradClip(-2, 2));
        assertEquals(new GradientOps.GradScale(2), new GradientOps.GradScale(2));
        assertNotEquals(new GradientOps.GradScale(2), new GradientOps.GradScale(3));
        assertEquals(new GradientOps.ZeroGrad(), new GradientOps.ZeroGrad());
        assertNotEquals(new GradientOps.ZeroGrad(), new GradientOps.DisconnectedGrad());
    }

    @Test
    void twoClipsWithDifferentBoundsOnOneInputAreNotMerged() {
        Variable c = T.add(T.sqr(Gradient.gradClip(s, -1, 1)), T.sqr(Gradient.gradClip(s, -3, 3)));
        assertEquals(1.0 + 3.0, gradAt(c, 5), 0);
    }

    // ---- R-ops ----

    private NDArray rop(Variable f, RopOptions o) {
        return eval1(List.of(x, v), Gradient.rop(List.of(f), List.of(x), List.of(v), o).get(0), xv, vv);
    }

    @Test
    @SuppressWarnings("deprecation")
    void zeroGradAndConsiderConstantROpsAreFullZeros() {
        NDArray z = rop(T.mul(Gradient.zeroGrad(x), 2.0), RopOptions.DEFAULTS);
        Th.assertShape(new int[] {3}, z);
        assertValues(new double[] {0, 0, 0}, z, 0);
        assertValues(new double[] {0, 0, 0}, rop(T.mul(Gradient.considerConstant(x), 2.0), RopOptions.DEFAULTS), 0);
        assertValues(new double[] {2, 4, -6}, rop(T.add(T.mul(x, 2.0), Gradient.zeroGrad(x)), RopOptions.DEFAULTS), 0);
    }

    @Test
    void disconnectedGradROpIsDisconnected() {
        assertThrows(DisconnectedInputError.class, () -> Gradient.rop(Gradient.disconnectedGrad(x), x, v));
        NDArray r = rop(T.add(Gradient.disconnectedGrad(x), x), RopOptions.DEFAULTS);
        assertValues(vv.toDoubleArray(), r, 0);
    }

    @Test
    void undefinedGradROpIsUndefined() {
        NullTypeGradError e = assertThrows(NullTypeGradError.class,
                () -> Gradient.rop(Gradient.undefinedGrad(x), x, v));
        assertTrue(e.getMessage().contains("UndefinedGrad"), e.getMessage());
    }

    @Test
    void gradClipAndGradScaleROpsPassTheTangentThrough() {
        assertValues(vv.toDoubleArray(), rop(Gradient.gradClip(x, -0.1, 0.1), RopOptions.DEFAULTS), 0);
        assertValues(vv.toDoubleArray(), rop(Gradient.gradScale(x, 5), RopOptions.DEFAULTS), 0);
    }

    @Test
    void undefinedTangentPropagatesThroughLaterOpsAsNullTypeGradError() {
        NullTypeGradError e = assertThrows(NullTypeGradError.class,
                () -> Gradient.rop(T.tanh(Gradient.undefinedGrad(x)), x, v));
        assertTrue(e.getMessage().contains("UndefinedGrad"), e.getMessage());
    }
}
