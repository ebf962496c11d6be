package org.gradaudit.core.theano;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullGradients;
import org.gradaudit.core.NullType;
import org.gradaudit.core.NullTypeGradError;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GradientError;
import org.junit.jupiter.api.Test;

/** §1 of the spec: DisconnectedType, NullType, grad_not_implemented / grad_undefined, exceptions, format_as. */
class TypesAndPlaceholdersTest {

    /** A parameterless user op, printed "Marker". */
    static final class Marker extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] inputs) {
            return new NDArray[] {inputs[0]};
        }

        @Override
        protected Object[] props() {
            return new Object[0];
        }
    }

    // ---- DisconnectedType ----

    @Test
    void disconnectedPlaceholdersAreFreshVariablesOfTheOneDisconnectedType() {
        Variable a = DisconnectedType.create();
        Variable b = DisconnectedType.create();
        assertNotSame(a, b);
        assertSame(DisconnectedType.INSTANCE, a.type());
        assertEquals(a.type(), b.type());
        assertNull(a.owner());
        assertEquals("DisconnectedType", a.type().toString());
        assertTrue(DisconnectedType.is(a));
        assertFalse(DisconnectedType.is(T.vector("x")));
        assertFalse(a.isTensor());
    }

    @Test
    void disconnectedPlaceholderCannotBeCompiled() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(), List.of(DisconnectedType.create())));
        assertTrue(e.getMessage().contains("DisconnectedType"), e.getMessage());
    }

    @Test
    void disconnectedPlaceholderCannotFeedATensorOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> T.add(DisconnectedType.create(), T.scalar("s")));
        assertTrue(e.getMessage().contains("DisconnectedType"), e.getMessage());
    }

    // ---- NullType ----

    @Test
    void nullTypeEqualityIgnoresWhyNull() {
        NullType a = new NullType("first reason");
        NullType b = new NullType("another reason");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("first reason", a.whyNull());
        assertEquals("another reason", b.whyNull());
        assertEquals("NullType", a.toString());
        assertNotEquals(a, DisconnectedType.INSTANCE);
        assertNotEquals(DisconnectedType.INSTANCE, a);
    }

    @Test
    void nullTypeDefaultExplanation() {
        assertEquals("(no explanation given)", new NullType().whyNull());
        assertEquals("(no explanation given)", NullType.NO_EXPLANATION);
    }

    @Test
    void compilingANullTypeOutputFailsWithComputationGraphContainsANaN() {
        Variable nan = new NullType("because of reasons").make();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(), List.of(nan)));
        assertEquals("Computation graph contains a NaN. because of reasons", e.getMessage());
    }

    @Test
    void compilingAReturnedUndefinedGradientFailsWithItsExplanation() {
        Variable x = T.vector("x");
        Variable g = Gradient.grad(T.sum(Gradient.undefinedGrad(x)), x,
                GradOptions.builder().nullGradients(NullGradients.RETURN).build());
        assertTrue(NullType.is(g));
        String why = ((NullType) g.type()).whyNull();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(x), List.of(g)));
        assertEquals("Computation graph contains a NaN. " + why, e.getMessage());
        assertTrue(why.contains("is mathematically undefined"), why);
    }

    // ---- grad_not_implemented / grad_undefined ----

    @Test
    void gradNotImplementedMessage() {
        Variable x = T.vector("x");
        Variable v = Gradient.gradNotImplemented(new Marker(), 1, x, "use something else");
        assertTrue(NullType.is(v));
        assertNull(v.owner());
        assertEquals("This variable is Null because the grad method for input 1 (x) of the Marker op is not"
                + " implemented. use something else", ((NullType) v.type()).whyNull());
    }

    @Test
    void gradUndefinedMessageKeepsTheTrailingSpaceBeforeAnEmptyComment() {
        Variable x = T.matrix("W");
        Variable v = Gradient.gradUndefined(new Marker(), 0, x, "");
        assertTrue(NullType.is(v));
        assertEquals("This variable is Null because the grad method for input 0 (W) of the Marker op is"
                + " mathematically undefined. ", ((NullType) v.type()).whyNull());
    }

    @Test
    void gradNotImplementedAndUndefinedReturnNewNullVariablesNotOfTheInputType() {
        Variable x = T.vector("x");
        Variable a = Gradient.gradNotImplemented(new Marker(), 0, x, "");
        Variable b = Gradient.gradNotImplemented(new Marker(), 0, x, "");
        assertNotSame(a, b);
        assertFalse(a.isTensor());
        assertEquals(a.type(), b.type());
    }

    // ---- exceptions ----

    @Test
    void exceptionClassesMapTheTheanoOnes() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(DisconnectedInputError.class),
                "DisconnectedInputError is Theano's ValueError");
        assertTrue(RuntimeException.class.isAssignableFrom(NullTypeGradError.class));
        assertTrue(RuntimeException.class.isAssignableFrom(GradientError.class));
    }

    @Test
    void undefinedGradientRaisesNullTypeGradErrorCarryingWhyNull() {
        Variable x = T.vector("x");
        NullTypeGradError e = assertThrows(NullTypeGradError.class,
                () -> Gradient.grad(T.sum(Gradient.undefinedGrad(x)), x));
        assertTrue(e.getMessage().contains("encountered a NaN. This variable is Null because the grad method for"
                + " input 0 (x) of the UndefinedGrad op is mathematically undefined. "), e.getMessage());
    }

    // ---- format_as ----

    @Test
    void formatAsRejectsBothFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.formatAs(true, true, "x"));
        assertEquals("Both flags cannot be simultaneously True", e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void formatAsListWrapsASingleValueInAMutableList() {
        Object r = Gradient.formatAs(true, false, "a");
        assertEquals(List.of("a"), r);
        ((List<Object>) r).add("b");
        assertEquals(List.of("a", "b"), r);
    }

    @Test
    @SuppressWarnings("unchecked")
    void formatAsTupleWrapsASingleValueInAnUnmodifiableList() {
        Object r = Gradient.formatAs(false, true, "a");
        assertEquals(List.of("a"), r);
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) r).add("b"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void formatAsListCopiesASequence() {
        List<Object> in = new ArrayList<>(List.of("a", "b"));
        Object r = Gradient.formatAs(true, false, in);
        assertEquals(List.of("a", "b"), r);
        assertNotSame(in, r);
        ((List<Object>) r).add("c");
        assertEquals(2, in.size());
        assertEquals(List.of("a", "b"), Gradient.formatAs(true, false, new Object[] {"a", "b"}));
    }

    @Test
    @SuppressWarnings("unchecked")
    void formatAsTupleOfASequenceIsUnmodifiable() {
        Object r = Gradient.formatAs(false, true, new ArrayList<>(List.of("a", "b")));
        assertEquals(List.of("a", "b"), r);
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) r).add("c"));
        assertEquals(List.of("a", "b"), Gradient.formatAs(false, true, new Object[] {"a", "b"}));
    }

    @Test
    void formatAsWithoutFlagsUnwrapsAOneElementSequence() {
        assertEquals("a", Gradient.formatAs(false, false, List.of("a")));
        assertEquals("a", Gradient.formatAs(false, false, new Object[] {"a"}));
    }

    @Test
    void formatAsWithoutFlagsRejectsALongerSequence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.formatAs(false, false, List.of("a", "b")));
        assertTrue(e.getMessage().startsWith("Wrong arguments; expected a one element list"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gradient.formatAs(false, false, List.of()));
    }

    @Test
    void formatAsWithoutFlagsReturnsANonSequenceUnchanged() {
        Object o = new Object();
        assertSame(o, Gradient.formatAs(false, false, o));
        Variable x = T.vector("x");
        assertSame(x, Gradient.formatAs(false, false, x));
        assertInstanceOf(List.class, Gradient.formatAs(true, false, x));
    }
}
