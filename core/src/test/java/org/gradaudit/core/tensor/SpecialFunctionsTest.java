package org.gradaudit.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {
    /** Units in the last place between {@code got} and fdlibm's tanh (itself within 1 ulp). */
    private static double ulps(double got, double x) {
        double want = StrictMath.tanh(x);
        return Math.abs(got - want) / Math.ulp(want);
    }

    @Test
    void tanhIsWithinTwoUlpsOfFdlibmEverywhere() {
        SplittableRandom rnd = new SplittableRandom(42);
        double worst = 0;
        double at = 0;
        for (int i = 0; i < 400_000; i++) {
            double x;
            switch (i % 4) {
                case 0: x = rnd.nextDouble() * 0.7; break;                  // the rational branch and its edge
                case 1: x = 0.6 + rnd.nextDouble() * 0.1; break;            // around the switch at 0.625
                case 2: x = rnd.nextDouble() * 25; break;                   // the exponential branch and saturation
                default: x = Math.pow(10, -rnd.nextDouble() * 300); break;  // tiny arguments
            }
            x = rnd.nextBoolean() ? x : -x;
            double u = ulps(SpecialFunctions.tanh(x), x);
            if (u > worst) {
                worst = u;
                at = x;
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp at x = " + at);
    }

    @Test
    void tanhSpecialValuesAndSymmetry() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(SpecialFunctions.tanh(-0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(SpecialFunctions.tanh(0.0)));
        assertTrue(Double.isNaN(SpecialFunctions.tanh(Double.NaN)));
        assertEquals(1.0, SpecialFunctions.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, SpecialFunctions.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(Double.MIN_VALUE, SpecialFunctions.tanh(Double.MIN_VALUE));
        for (double x : new double[] {1e-300, 0.3, 0.625, 0.62499999999999989, 1.0, 7.5, 21.9, 22.1, 700}) {
            assertEquals(-SpecialFunctions.tanh(x), SpecialFunctions.tanh(-x), "odd at " + x);
            assertTrue(ulps(SpecialFunctions.tanh(x), x) <= 2, "at " + x);
        }
    }
}
