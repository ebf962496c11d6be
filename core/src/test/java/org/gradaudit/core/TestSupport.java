package org.gradaudit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** Helpers shared by core tests. */
public final class TestSupport {
    private TestSupport() {}

    /** Evaluates {@code outputs} at the given input values. */
    public static List<NDArray> eval(List<Variable> inputs, List<Variable> outputs, NDArray... values) {
        return Function.compile(inputs, outputs).call(values);
    }

    public static NDArray eval1(List<Variable> inputs, Variable output, NDArray... values) {
        return Function.compile(inputs, output).call1(values);
    }

    public static void assertValues(double[] expected, NDArray actual, double tol) {
        assertEquals(expected.length, actual.size(), "size of " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.getFlat(i), tol, "element " + i + " of " + actual);
        }
    }

    public static void assertShape(int[] expected, NDArray actual) {
        assertArrayEquals(expected, actual.shape(), "shape of " + actual);
    }

    /** An array of {@code shape} with values uniform in [-1, 1) from {@code rnd}, coerced to {@code dtype}. */
    public static NDArray uniform(java.util.SplittableRandom rnd, DType dtype, int... shape) {
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() * 2 - 1;
        }
        dtype.coerceAll(d);
        return NDArray.wrap(dtype, shape, d);
    }
}
