package org.gradaudit.core.check;

import java.io.Serializable;

/**
 * Narrows a failing fast-mode check down to one input element without building a Jacobian.
 *
 * <p>A fast-mode direction u compares {@code <g, u>} with the central difference of the cost along
 * u. Restricting u to a block B of coordinates (u zero outside B) gives the error
 * {@code e(B) ~ sum_{i in B} (g_i - g*_i) u_i}, which is additive over a partition of B. Bisection
 * keeps the half with the larger absolute error (a non-finite one first) until one coordinate is
 * left: {@code 2 log2(n)} restricted checks of 2 cost evaluations each. The element found is then
 * compared directly: its analytic partial against its central difference. When errors of
 * opposite sign cancel inside a block, bisection follows the larger one; the element it names
 * always has an error of its own, checked and reported at the end.
 */
public final class Localizer {
    private Localizer() {}

    /** The element bisection found, and what its direct check gave. */
    public static final class Location implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int flat;
        private final int argument;
        private final int position;
        private final double analytic;
        private final double numeric;
        private final double absErr;
        private final double relErr;
        private final double scaledErr;
        private final int steps;

        Location(int flat, int argument, int position, double analytic, double numeric, double absErr, double relErr,
                double scaledErr, int steps) {
            this.flat = flat;
            this.argument = argument;
            this.position = position;
            this.analytic = analytic;
            this.numeric = numeric;
            this.absErr = absErr;
            this.relErr = relErr;
            this.scaledErr = scaledErr;
            this.steps = steps;
        }

        /** Flat position over all inputs. */
        public int flat() { return flat; }
        /** The input. */
        public int argument() { return argument; }
        /** The flat C-order position within that input. */
        public int position() { return position; }
        /** The element's analytic partial derivative of the test's cost. */
        public double analytic() { return analytic; }
        /** Its central difference. */
        public double numeric() { return numeric; }
        public double absErr() { return absErr; }
        public double relErr() { return relErr; }
        public double scaledErr() { return scaledErr; }
        /** Bisection steps taken. */
        public int steps() { return steps; }
    }

    /**
     * Locates the element behind the failure of direction {@code direction} in test {@code test}.
     *
     * @param coords the coordinates the directions were restricted to (ascending), or null for all
     */
    public static Location locate(GradCheck c, int test, int direction, int[] coords) {
        int[] s = coords;
        if (s == null) {
            s = new int[c.nElements()];
            for (int i = 0; i < s.length; i++) {
                s[i] = i;
            }
        }
        if (s.length == 0) {
            throw new IllegalArgumentException("nothing to localize: no coordinates");
        }
        int lo = 0;
        int hi = s.length;
        int steps = 0;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            UnitResult left = c.runDirections(test, direction, direction + 1, mask(c, s, lo, mid));
            UnitResult right = c.runDirections(test, direction, direction + 1, mask(c, s, mid, hi));
            if (larger(right, left)) {
                lo = mid;
            } else {
                hi = mid;
            }
            steps++;
        }
        int flat = s[lo];
        double[] an = c.element(test, flat, c.eps(), true);
        double[] err = c.compare(an[0], an[1]);
        int k = c.argOf(flat);
        return new Location(flat, k, flat - c.offsetOf(k), an[0], an[1], err[0], err[1], err[2], steps);
    }

    private static boolean larger(UnitResult a, UnitResult b) {
        if (a.nonFiniteCount() > 0 || b.nonFiniteCount() > 0) {
            return a.nonFiniteCount() > 0 && b.nonFiniteCount() == 0;
        }
        return a.worstAbs() > b.worstAbs();
    }

    private static boolean[] mask(GradCheck c, int[] s, int lo, int hi) {
        boolean[] m = new boolean[c.nElements()];
        for (int i = lo; i < hi; i++) {
            m[s[i]] = true;
        }
        return m;
    }
}
