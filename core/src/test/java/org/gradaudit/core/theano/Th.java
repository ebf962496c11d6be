package org.gradaudit.core.theano;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;

/** Helpers of the Theano conformance suite. */
final class Th {
    private Th() {}

    static List<NDArray> eval(List<Variable> inputs, List<Variable> outputs, NDArray... values) {
        return Function.compile(inputs, outputs).call(values);
    }

    static NDArray eval1(List<Variable> inputs, Variable output, NDArray... values) {
        return Function.compile(inputs, output).call1(values);
    }

    static void assertValues(double[] expected, NDArray actual, double tol) {
        assertEquals(expected.length, actual.size(), "size of " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.getFlat(i), tol, "element " + i + " of " + actual);
        }
    }

    static void assertShape(int[] expected, NDArray actual) {
        assertArrayEquals(expected, actual.shape(), "shape of " + actual);
    }

    /** A warnings sink for GradOptions/RopOptions. */
    static final class Warnings implements java.util.function.Consumer<String> {
        final List<String> messages = new ArrayList<>();

        @Override
        public void accept(String s) {
            messages.add(s);
        }
    }
}
