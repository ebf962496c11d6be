package org.gradaudit.core.check;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/** Theano's dtype tables for finite differences: step sizes and tolerances. */
public final class Tolerances {
    private Tolerances() {}

    /** The finite-difference step: float64 1e-7, float32 3e-4, float16 1e-1. */
    public static double typeEps(DType d) {
        switch (d) {
            case FLOAT64: return 1e-7;
            case FLOAT32: return 3e-4;
            case FLOAT16: return 1e-1;
            default: throw new IllegalArgumentException("no finite-difference step for dtype " + d
                    + "; numeric gradients need float inputs (float16, float32, float64)");
        }
    }

    /** The default absolute and relative tolerance: float64 1e-4, float32 1e-2, float16 5e-2. */
    public static double typeTol(DType d) {
        switch (d) {
            case FLOAT64: return 1e-4;
            case FLOAT32: return 1e-2;
            case FLOAT16: return 5e-2;
            default: throw new IllegalArgumentException("no tolerance for dtype " + d
                    + "; gradient checks need float inputs (float16, float32, float64)");
        }
    }

    /**
     * A step for central differences in dtype d: the cube root of its unit roundoff (float64
     * 6.1e-6, float32 4.9e-3, float16 9.9e-2), which balances the O(h^2) truncation error against
     * the O(u / h) rounding error.
     */
    public static double centralEps(DType d) {
        switch (d) {
            case FLOAT64: return Math.cbrt(Math.ulp(1.0));
            case FLOAT32: return Math.cbrt(Math.ulp(1.0f));
            case FLOAT16: return Math.cbrt(Math.scalb(1.0, -10));
            default: throw new IllegalArgumentException("no finite-difference step for dtype " + d);
        }
    }

    /** The most precise dtype present (smallest step): the dtype the perturbations are made in. */
    public static DType workingDType(List<NDArray> points) {
        DType best = null;
        for (NDArray p : points) {
            if (best == null || typeEps(p.dtype()) < typeEps(best)) {
                best = p.dtype();
            }
        }
        return best;
    }

    /** The default step: the largest among the dtypes present. */
    public static double defaultEps(List<NDArray> points) {
        double e = 0;
        for (NDArray p : points) {
            e = Math.max(e, typeEps(p.dtype()));
        }
        return e;
    }

    /** The default tolerance: the loosest among the dtypes present. */
    public static double defaultTol(List<NDArray> points) {
        double t = 0;
        for (NDArray p : points) {
            t = Math.max(t, typeTol(p.dtype()));
        }
        return t;
    }
}
