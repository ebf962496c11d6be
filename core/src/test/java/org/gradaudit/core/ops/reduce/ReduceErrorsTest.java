package org.gradaudit.core.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.ops.Max;
import org.gradaudit.core.ops.Softmax;
import org.junit.jupiter.api.Test;

/** Error messages (op, axis, ndim, what is allowed) and the disconnected index and bool outputs. */
class ReduceErrorsTest {
    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void axisOutOfRangeNamesTheOpTheAxisAndTheNdim() {
        Variable m = T.matrix("m");
        assertEquals("Max: axis 2 is out of range for an input of ndim 2 (allowed: -2 to 1)", message(() -> T.max(m, 2)));
        assertEquals("Mean: axis -3 is out of range for an input of ndim 2 (allowed: -2 to 1)", message(() -> T.mean(m, -3)));
        assertEquals("Argmin: axis 5 is out of range for an input of ndim 2 (allowed: -2 to 1)", message(() -> T.argmin(m, 0, 5)));
        assertEquals("Var: axis 2 is out of range for an input of ndim 2 (allowed: -2 to 1)", message(() -> T.var(m, 2)));
        assertEquals("Softmax: axis 2 is out of range for an input of ndim 2 (allowed: -2 to 1)", message(() -> T.softmax(m, 2)));
        assertEquals("LogSoftmax: axis -3 is out of range for an input of ndim 2 (allowed: -2 to 1)",
                message(() -> T.logSoftmax(m, -3)));
        assertEquals("MaxAndArgmax: axis 3 is out of range for an input of ndim 2 (allowed: -2 to 1)",
                message(() -> T.maxAndArgmax(m, 3)));
        assertEquals("Prod: axis 1 is out of range for an input of ndim 0 (allowed: 0 to -1)",
                message(() -> T.prod(T.scalar("s"), 1)));
        // the op constructed directly with an axis the input lacks
        assertEquals("Max{axes=[2]}: axis 2 is out of range for an input of ndim 2 (allowed: -2 to 1)",
                message(() -> new Max(2).makeNode(m)));
        assertEquals("Softmax{axis=3}: axis 3 is out of range for an input of ndim 1 (allowed: -1 to 0)",
                message(() -> new Softmax(3).makeNode(T.vector("v"))));
    }

    @Test
    void repeatedAxesAndBadArguments() {
        Variable m = T.matrix("m");
        assertEquals("Min: axis 1 is given twice in [1, -1]", message(() -> T.min(m, 1, -1)));
        assertEquals("Var: ddof is -1; it must be >= 0", message(() -> T.var(m, -1, false, 0)));
        assertTrue(message(() -> new Softmax(-1)).startsWith("Softmax: axis -1 must be normalised"));
        assertEquals("categoricalCrossentropy: input 1 (targets) has ndim 1 but input 0 (probs) has ndim 2; targets"
                + " must have probs' shape (one-hot or probabilities along the class axis)",
                message(() -> T.categoricalCrossentropy(m, T.vector("t"))));
        assertEquals("Max takes 1 input, got 2", message(() -> new Max((int[]) null).makeNode(m, m)));
        assertEquals("Max: axes [-1, 0] must be distinct and non-negative (use the static apply for negative axes)",
                message(() -> new Max(0, -1)));
    }

    @Test
    void emptyReductionOfMaxIsAnError() {
        Variable v = T.vector("v");
        Function f = Function.compile(List.of(v), T.max(v));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.call1(NDArray.zeros(
                org.gradaudit.core.DType.FLOAT64, 0)));
        assertEquals("Max: input 0 of shape [0] has an empty reduction (no identity for max); reduce over non-empty"
                + " axes only", rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    @Test
    void argmaxArgminAllAnyAreNotConnected() {
        Variable x = T.vector("x");
        for (Variable y : new Variable[] {T.argmax(x), T.argmin(x), T.all(x), T.any(x)}) {
            assertThrows(DisconnectedInputError.class, () -> Gradient.grad(T.sum(T.cast(y, org.gradaudit.core.DType.FLOAT64)), x));
            Variable g = Gradient.grad(T.sum(T.cast(y, org.gradaudit.core.DType.FLOAT64)), x, GradOptions.builder()
                    .disconnectedInputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.DISCONNECTED).build());
            assertTrue(DisconnectedType.is(g), "gradient through " + y.owner().op() + " is disconnected");
            Variable r = Gradient.rop(List.of(y), List.of(x), List.of(T.vector("t")), org.gradaudit.core.RopOptions.builder()
                    .disconnectedOutputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.DISCONNECTED)
                    .build()).get(0);
            assertTrue(DisconnectedType.is(r), "R-op of " + y.owner().op() + " is disconnected");
            assertEquals(false, y.owner().op().connectionPattern(y.owner())[0][0]);
        }
    }
}
