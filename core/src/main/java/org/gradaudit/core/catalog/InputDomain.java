package org.gradaudit.core.catalog;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Where an input of a catalogued op may be sampled for an audit: a range [low, high), optionally
 * with gaps kept free of non-differentiable points (e.g. |x| near 0, a clip bound) or of ties.
 * Values are drawn uniformly from the range, rejecting the gaps.
 */
public final class InputDomain implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double low;
    private final double high;
    private final double[] gaps;               // pairs (a, b) of open intervals to avoid

    private InputDomain(double low, double high, double[] gaps) {
        if (!(low < high)) {
            throw new IllegalArgumentException("empty domain [" + low + ", " + high + ")");
        }
        this.low = low;
        this.high = high;
        this.gaps = gaps;
    }

    /** Uniform on [low, high). */
    public static InputDomain between(double low, double high) {
        return new InputDomain(low, high, new double[0]);
    }

    /** The default: [-1, 1). */
    public static InputDomain standard() {
        return between(-1, 1);
    }

    /** The same range without (a, b), e.g. a kink at 0. */
    public InputDomain avoiding(double a, double b) {
        double[] g = Arrays.copyOf(gaps, gaps.length + 2);
        g[gaps.length] = a;
        g[gaps.length + 1] = b;
        return new InputDomain(low, high, g);
    }

    private boolean inGap(double v) {
        for (int i = 0; i < gaps.length; i += 2) {
            if (v > gaps[i] && v < gaps[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public double low() { return low; }
    public double high() { return high; }

    /** A sample of {@code shape} and {@code dtype} from {@code rnd}. */
    public NDArray sample(SplittableRandom rnd, DType dtype, int[] shape) {
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            double v;
            do {
                v = low + (high - low) * rnd.nextDouble();
            } while (inGap(v));
            d[i] = v;
        }
        return NDArray.of(dtype, shape, d);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[" + low + ", " + high + ")");
        for (int i = 0; i < gaps.length; i += 2) {
            sb.append(" without (").append(gaps[i]).append(", ").append(gaps[i + 1]).append(')');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputDomain && ((InputDomain) o).low == low && ((InputDomain) o).high == high
                && Arrays.equals(((InputDomain) o).gaps, gaps);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(low) + 17 * Double.hashCode(high) + Arrays.hashCode(gaps);
    }
}
