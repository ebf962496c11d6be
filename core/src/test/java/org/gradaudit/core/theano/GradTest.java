package org.gradaudit.core.theano;

import static org.gradaudit.core.theano.Th.assertValues;
import static org.gradaudit.core.theano.Th.eval;
import static org.gradaudit.core.theano.Th.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullGradients;
import org.gradaudit.core.NullType;
import org.gradaudit.core.NullTypeGradError;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;
import org.junit.jupiter.api.Test;

/** §3 of the spec: grad's arguments, validation, options and the integer/dtype rules. */
class GradTest {
    private static final String DISCONNECTED = "grad method was asked to compute the gradient with respect to a"
            + " variable that is not part of the computational graph of the cost, or is used only by a"
            + " non-differentiable operator: ";

    private final Variable x = T.vector("x");
    private final Variable y = T.vector("y");
    private final NDArray xv = NDArray.of(1.0, -2.0, 0.5);
    private final NDArray yv = NDArray.of(3.0, 4.0, -1.0);

    private static GradOptions.Builder opts() {
        return GradOptions.builder();
    }

    // ---- shapes of arguments and results ----

    @Test
    void singleWrtGivesSingleGradient() {
        Variable g = Gradient.grad(T.sum(T.mul(x, x)), x);
        assertValues(new double[] {2, -4, 1}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void listWrtGivesListInTheSameOrder() {
        List<Variable> g = Gradient.grad(T.sum(T.mul(T.mul(x, y), 2.0)), List.of(y, x));
        assertEquals(2, g.size());
        List<NDArray> v = eval(List.of(x, y), g, xv, yv);
        assertValues(new double[] {2, -4, 1}, v.get(0), 0);
        assertValues(new double[] {6, 8, -2}, v.get(1), 0);
    }

    @Test
    void costMustBeScalar() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gradient.grad(x, x));
        assertTrue(e.getMessage().startsWith("cost must be a scalar"), e.getMessage());
    }

    @Test
    void nanCostCannotBeDifferentiated() {
        Variable cost = new NullType("it was never defined").make();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gradient.grad(cost, x));
        assertEquals("Can't differentiate a NaN cost. Cost is NaN because it was never defined", e.getMessage());
    }

    @Test
    void costAndKnownGradsCannotBothBeNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.grad(null, List.of(x), GradOptions.DEFAULTS));
        assertEquals("cost and knownGrads can't both be null.", e.getMessage());
    }

    @Test
    void nullWrtIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Gradient.grad(T.sum(x), java.util.Arrays.asList(x, null)));
    }

    // ---- known_grads ----

    @Test
    void nullCostWithKnownGradsBackpropagatesTheSeed() {
        Variable h = T.mul(x, 2.0);
        Variable seed = T.vector("seed");
        Variable g = Gradient.grad(null, List.of(x), opts().knownGrad(h, seed).build()).get(0);
        assertValues(new double[] {2, 8, -6}, eval1(List.of(x, seed), g, xv, NDArray.of(1, 4, -3)), 0);
    }

    @Test
    void knownGradReplacesTheCostPathThroughThatVariable() {
        Variable h = T.mul(x, 2.0);
        Variable cost = T.add(T.sum(T.mul(h, h)), T.sum(x));    // the h path alone would give 8x
        Variable g = Gradient.grad(cost, List.of(x), opts().knownGrad(h, T.onesLike(h)).build()).get(0);
        assertValues(new double[] {3, 3, 3}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void knownGradOfTheCostIsItsSeed() {
        Variable cost = T.sum(T.mul(x, x));
        Variable g = Gradient.grad(cost, List.of(x), opts().knownGrad(cost, T.constant(3.0)).build()).get(0);
        assertValues(new double[] {6, -12, 3}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void knownGradOfAFloat32CostIsCastToFloat32() {
        Variable x32 = T.fvector("x32");
        Variable cost = T.sum(T.mul(x32, x32));
        Variable g = Gradient.grad(cost, List.of(x32), opts().knownGrad(cost, T.constant(0.5)).build()).get(0);
        assertEquals(DType.FLOAT32, g.dtype());
        assertValues(new double[] {1, 3}, eval1(List.of(x32), g, NDArray.of(DType.FLOAT32, new int[] {2}, 1, 3)), 0);
    }

    @Test
    void knownGradsWithSeveralEntriesMustBeOrdered() {
        Variable a = T.mul(x, 2.0);
        Variable b = T.mul(x, 3.0);
        Map<Variable, Variable> unordered = new HashMap<>();
        unordered.put(a, T.onesLike(a));
        unordered.put(b, T.onesLike(b));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> opts().knownGrads(unordered));
        assertTrue(e.getMessage().startsWith("knownGrads must be an ordered map (LinkedHashMap)"), e.getMessage());

        Map<Variable, Variable> one = new HashMap<>();
        one.put(a, T.onesLike(a));
        Variable g1 = Gradient.grad(null, List.of(x), opts().knownGrads(one).build()).get(0);
        assertValues(new double[] {2, 2, 2}, eval1(List.of(x), g1, xv), 0);

        Map<Variable, Variable> ordered = new LinkedHashMap<>(unordered);
        Variable g2 = Gradient.grad(null, List.of(x), opts().knownGrads(ordered).build()).get(0);
        assertValues(new double[] {5, 5, 5}, eval1(List.of(x), g2, xv), 0);
    }

    @Test
    void knownGradMustBeFloat() {
        Variable h = T.mul(x, 2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.grad(null, List.of(x), opts().knownGrad(h, T.ivector("ig")).build()));
        assertTrue(e.getMessage().startsWith("Gradients must always be NullType, DisconnectedType, or float, but"),
                e.getMessage());
        assertTrue(e.getMessage().contains("int32"), e.getMessage());
    }

    @Test
    void knownGradMustNotBeNull() {
        Variable h = T.mul(x, 2.0);
        assertThrows(IllegalArgumentException.class,
                () -> Gradient.grad(null, List.of(x), opts().knownGrad(h, null).build()));
    }

    @Test
    void knownGradOfAnIntegerVariablePassesThroughUnchanged() {
        Variable xi = T.ivector("xi");
        Variable gi = T.vector("gi");
        Variable g = Gradient.grad(null, List.of(xi), opts().knownGrad(xi, gi).build()).get(0);
        assertSame(gi, g);
    }

    @Test
    void disconnectedAndNullKnownGradsAreAccepted() {
        Variable h = T.mul(x, 2.0);
        Variable g = Gradient.grad(null, List.of(x), opts().knownGrad(h, DisconnectedType.create())
                .disconnectedInputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.DISCONNECTED)
                .build()).get(0);
        assertTrue(DisconnectedType.is(g));
        Variable n = Gradient.grad(null, List.of(x), opts().knownGrad(h, new NullType("seeded").make())
                .nullGradients(NullGradients.RETURN).build()).get(0);
        assertTrue(NullType.is(n));
        assertEquals("seeded", ((NullType) n.type()).whyNull());
    }

    // ---- consider_constant ----

    @Test
    void gradientWithRespectToAConsiderConstantVariableIsStillComputed() {
        Variable a = T.scalar("a");
        Variable b = T.scalar("b");
        Variable g = Gradient.grad(T.add(a, b), a, opts().considerConstant(a).build());
        assertEquals(1.0, eval1(List.of(a, b), g, NDArray.scalar(2), NDArray.scalar(5)).item(), 0);
        Constant one = T.constant(1.0);
        Variable gc = Gradient.grad(T.add(one, b), one);
        assertEquals(1.0, eval1(List.of(b), gc, NDArray.scalar(5)).item(), 0);
    }

    @Test
    void considerConstantCutsTheAncestorsOfTheVariable() {
        Variable h = T.mul(x, x);
        Variable cost = T.sum(T.mul(h, x));                      // x^3: 3x^2 in full
        Variable g = Gradient.grad(cost, x, opts().considerConstant(h).build());
        assertValues(new double[] {1, 4, 0.25}, eval1(List.of(x), g, xv), 0);      // = h only
        Variable full = Gradient.grad(cost, x);
        assertValues(new double[] {3, 12, 0.75}, eval1(List.of(x), full, xv), 1e-15);
    }

    @Test
    void considerConstantOnTheOnlyPathDisconnectsTheWrt() {
        Variable h = T.mul(x, 2.0);
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.grad(T.sum(h), x, opts().considerConstant(h).build()));
        assertSame(x, e.variable());
    }

    @Test
    void considerConstantElementsMustNotBeNull() {
        assertThrows(IllegalArgumentException.class, () -> opts().considerConstant(java.util.Arrays.asList(x, null)));
    }

    // ---- disconnected_inputs ----

    @Test
    void disconnectedInputRaisesByDefaultNamingTheVariable() {
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.grad(T.sum(x), List.of(x, y)));
        assertEquals(DISCONNECTED + "y", e.getMessage());
        assertSame(y, e.variable());
    }

    @Test
    void disconnectedInputWarnsOnceNamingTheWrt() {
        Th.Warnings w = new Th.Warnings();
        List<Variable> g = Gradient.grad(T.sum(x), List.of(x, y),
                opts().disconnectedInputs(DisconnectedInputs.WARN).warnings(w).build());
        assertEquals(List.of(DISCONNECTED + "y"), w.messages);
        assertValues(new double[] {0, 0, 0}, eval1(List.of(y), g.get(1), yv), 0);
    }

    @Test
    void disconnectedInputIgnoredSilently() {
        Th.Warnings w = new Th.Warnings();
        List<Variable> g = Gradient.grad(T.sum(x), List.of(x, y),
                opts().disconnectedInputs(DisconnectedInputs.IGNORE).warnings(w).build());
        assertEquals(List.of(), w.messages);
        List<NDArray> v = eval(List.of(x, y), g, xv, yv);
        assertValues(new double[] {1, 1, 1}, v.get(0), 0);
        assertValues(new double[] {0, 0, 0}, v.get(1), 0);
    }

    @Test
    void wrtReachingTheCostOnlyThroughDisconnectedGradIsDisconnected() {
        Th.Warnings w = new Th.Warnings();
        Gradient.grad(T.sum(Gradient.disconnectedGrad(x)), List.of(x),
                opts().disconnectedInputs(DisconnectedInputs.WARN).warnings(w).build());
        assertEquals(List.of(DISCONNECTED + "x"), w.messages, "reported once, naming the wrt");
    }

    // ---- return_disconnected ----

    @Test
    void returnDisconnectedZeroIsAFillWithConstantZero() {
        Variable s = T.scalar("s");
        Variable g = Gradient.grad(T.sum(x), List.of(x, s),
                opts().disconnectedInputs(DisconnectedInputs.IGNORE).build()).get(1);
        assertInstanceOf(Elemwise.class, g.owner().op());
        assertEquals(ScalarOp.SECOND, ((Elemwise) g.owner().op()).scalar());
        assertInstanceOf(Constant.class, g.owner().input(1));
        assertEquals(0.0, ((Constant) g.owner().input(1)).value().item(), 0);
        assertEquals(DType.FLOAT64, g.dtype());
        assertEquals(0.0, eval1(List.of(s), g, NDArray.scalar(7)).item(), 0);
    }

    @Test
    void returnDisconnectedZeroHasTheWrtShapeAndAFloatDtype() {
        Variable m = T.matrix("m");
        Variable xi = T.ivector("xi");
        Variable x32 = T.fvector("x32");
        List<Variable> g = Gradient.grad(T.sum(x), List.of(m, xi, x32),
                opts().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        assertEquals(DType.FLOAT64, g.get(0).dtype());
        assertEquals(DType.FLOAT64, g.get(1).dtype(), "zeros for an int wrt are floatX");
        assertEquals(DType.FLOAT32, g.get(2).dtype());
        List<NDArray> v = eval(List.of(m, xi, x32), g, NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}),
                NDArray.of(DType.INT32, new int[] {2}, 7, 8), NDArray.of(DType.FLOAT32, new int[] {1}, 9));
        Th.assertShape(new int[] {3, 2}, v.get(0));
        assertValues(new double[] {0, 0, 0, 0, 0, 0}, v.get(0), 0);
        assertEquals(DType.FLOAT64, v.get(1).dtype());
        assertValues(new double[] {0, 0}, v.get(1), 0);
        assertValues(new double[] {0}, v.get(2), 0);
    }

    @Test
    void returnDisconnectedNoneGivesNull() {
        List<Variable> g = Gradient.grad(T.sum(x), List.of(x, y), opts()
                .disconnectedInputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.NONE).build());
        assertNull(g.get(1));
        assertValues(new double[] {1, 1, 1}, eval1(List.of(x), g.get(0), xv), 0);
        assertNull(Gradient.grad(T.sum(x), y, opts()
                .disconnectedInputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.NONE).build()));
    }

    @Test
    void returnDisconnectedDisconnectedGivesThePlaceholder() {
        Variable g = Gradient.grad(T.sum(x), y, opts().disconnectedInputs(DisconnectedInputs.IGNORE)
                .returnDisconnected(ReturnDisconnected.DISCONNECTED).build());
        assertTrue(DisconnectedType.is(g));
    }

    @Test
    void returnDisconnectedStillRaisesFirstWhenAskedTo() {
        assertThrows(DisconnectedInputError.class, () -> Gradient.grad(T.sum(x), y,
                opts().returnDisconnected(ReturnDisconnected.NONE).build()));
    }

    // ---- null_gradients ----

    @Test
    void nullGradientRaisesByDefault() {
        NullTypeGradError e = assertThrows(NullTypeGradError.class,
                () -> Gradient.grad(T.sum(Gradient.undefinedGrad(x)), x));
        assertTrue(e.getMessage().endsWith("encountered a NaN. This variable is Null because the grad method for"
                + " input 0 (x) of the UndefinedGrad op is mathematically undefined. "), e.getMessage());
    }

    @Test
    void nullGradientReturnedKeepsWhyNullThroughLaterOps() {
        Variable c = T.sum(T.tanh(T.mul(Gradient.undefinedGrad(x), 2.0)));
        Variable g = Gradient.grad(c, x, opts().nullGradients(NullGradients.RETURN).build());
        assertTrue(NullType.is(g));
        assertEquals("This variable is Null because the grad method for input 0 (x) of the UndefinedGrad op is"
                + " mathematically undefined. ", ((NullType) g.type()).whyNull());
    }

    @Test
    void nullTermPoisonsTheSumOfTerms() {
        Variable c = T.add(T.sum(Gradient.undefinedGrad(x)), T.sum(T.mul(x, x)));
        Variable g = Gradient.grad(c, x, opts().nullGradients(NullGradients.RETURN).build());
        assertTrue(NullType.is(g));
        assertThrows(NullTypeGradError.class, () -> Gradient.grad(c, x));
    }

    @Test
    void nullGradientOfOneWrtDoesNotAffectAnother() {
        Variable c = T.add(T.sum(Gradient.undefinedGrad(x)), T.sum(T.mul(y, y)));
        List<Variable> g = Gradient.grad(c, List.of(x, y), opts().nullGradients(NullGradients.RETURN).build());
        assertTrue(NullType.is(g.get(0)));
        assertValues(new double[] {6, 8, -2}, eval1(List.of(x, y), g.get(1), xv, yv), 0);
    }

    // ---- add_names ----

    @Test
    void gradientsAreNamedAfterCostAndWrt() {
        Variable c = T.sum(T.mul(x, x)).setName("c");
        assertEquals("(dc/dx)", Gradient.grad(c, x).name());
        List<Variable> g = Gradient.grad(T.sum(T.mul(x, y)).setName("cost"), List.of(x, y));
        assertEquals("(dcost/dx)", g.get(0).name());
        assertEquals("(dcost/dy)", g.get(1).name());
    }

    @Test
    void noNamesWithoutAddNamesOrWithoutACostName() {
        Variable c = T.sum(T.mul(x, x)).setName("c");
        assertNull(Gradient.grad(c, x, opts().addNames(false).build()).name());
        assertNull(Gradient.grad(T.sum(T.mul(x, x)), x).name());
        Variable unnamed = T.vector(null);
        assertNull(Gradient.grad(T.sum(T.mul(unnamed, unnamed)).setName("c"), unnamed).name());
    }

    // ---- integers and dtypes ----

    @Test
    void gradOfAnIntegerVariableWithRespectToItselfIsFloatOne() {
        Variable xi = T.iscalar("xi");
        Variable g = Gradient.grad(xi, xi);
        assertEquals(DType.FLOAT64, g.dtype());
        NDArray v = eval1(List.of(xi), g, NDArray.scalar(DType.INT32, 5));
        assertEquals(DType.FLOAT64, v.dtype());
        assertEquals(1.0, v.item(), 0);
    }

    @Test
    void integerInputFeedingFloatComputationGetsTheFloatGradient() {
        Variable xi = T.ivector("xi");
        Variable c = T.sum(T.mul(T.tanh(xi), 3.0));
        Variable g = Gradient.grad(c, xi);
        assertEquals(DType.FLOAT64, g.dtype());
        NDArray v = eval1(List.of(xi), g, NDArray.of(DType.INT32, new int[] {2}, 0, 1));
        double t = Math.tanh(1);
        assertValues(new double[] {3, 3 * (1 - t * t)}, v, 1e-15);
    }

    @Test
    void integerPowerHasZeroGradientButFloatPowerDoesNot() {
        Variable xi = T.ivector("xi");
        NDArray xiv = NDArray.of(DType.INT32, new int[] {3}, 1, -2, 3);
        Variable intPow = T.pow(xi, 2);
        Variable floatPow = T.pow(xi, 2.0);
        assertEquals(DType.INT32, intPow.dtype());
        assertTrue(floatPow.dtype().isFloat());
        Variable gInt = Gradient.grad(T.sum(intPow), xi);
        Variable gFloat = Gradient.grad(T.sum(floatPow), xi);
        assertEquals(DType.FLOAT64, gInt.dtype());
        assertEquals(DType.FLOAT64, gFloat.dtype());
        List<NDArray> v = eval(List.of(xi), List.of(gInt, gFloat), xiv);
        assertValues(new double[] {0, 0, 0}, v.get(0), 0);
        assertValues(new double[] {2, -4, 6}, v.get(1), 0);
    }

    @Test
    void integerSumHasZeroGradient() {
        Variable xi = T.ivector("xi");
        Variable g = Gradient.grad(T.cast(T.sum(xi), DType.FLOAT64), xi);
        assertEquals(DType.FLOAT64, g.dtype());
        assertValues(new double[] {0, 0}, eval1(List.of(xi), g, NDArray.of(DType.INT32, new int[] {2}, 4, 5)), 0);
    }

    @Test
    void integerCostIsSeededWithFloatOnes() {
        Variable xi = T.iscalar("xi");
        Variable c = T.add(xi, 1);
        assertEquals(DType.INT32, c.dtype());
        Variable g = Gradient.grad(c, c);
        assertEquals(DType.FLOAT64, g.dtype());
        assertEquals(1.0, eval1(List.of(xi), g, NDArray.scalar(DType.INT32, 3)).item(), 0);
    }

    @Test
    void float32GradientsStayFloat32() {
        Variable x32 = T.fvector("x32");
        Variable d = T.vector("d");
        NDArray x32v = NDArray.of(DType.FLOAT32, new int[] {2}, 0.1, 2);
        Variable g = Gradient.grad(T.sum(T.mul(x32, x32)), x32);
        assertEquals(DType.FLOAT32, g.dtype());
        Variable mixed = T.sum(T.mul(x32, d));               // a float64 cost
        assertEquals(DType.FLOAT64, mixed.dtype());
        List<Variable> gm = Gradient.grad(mixed, List.of(x32, d));
        assertEquals(DType.FLOAT32, gm.get(0).dtype(), "output gradients are cast to the float32 dtype");
        assertEquals(DType.FLOAT64, gm.get(1).dtype());
        List<NDArray> v = eval(List.of(x32, d), List.of(g, gm.get(0), gm.get(1)), x32v, NDArray.of(0.3, 5));
        assertEquals(DType.FLOAT32, v.get(0).dtype());
        assertValues(new double[] {(float) (2 * (float) 0.1), 4}, v.get(0), 0);
        assertValues(new double[] {(float) 0.3, 5}, v.get(1), 0);
        assertValues(new double[] {(float) 0.1, 2}, v.get(2), 0);
    }

    @Test
    void variableUsedSeveralTimesSumsItsTerms() {
        Variable c = T.sum(T.add(T.mul(x, x), T.mul(x, 3.0)));
        assertValues(new double[] {5, -1, 4}, eval1(List.of(x), Gradient.grad(c, x), xv), 0);
    }

    @Test
    void gradientOfTheCostWithRespectToItselfIsOne() {
        Variable c = T.sum(x);
        assertEquals(1.0, eval1(List.of(x), Gradient.grad(c, c), xv).item(), 0);
    }
}
