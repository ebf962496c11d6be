package org.gradaudit.core.check;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one work unit of a gradient check found, for one (case, test): how many elements (or
 * projections) were compared, the worst one, the first non-finite one, and a histogram of the
 * scaled errors. {@link #merge} is associative and commutative and does no floating-point
 * arithmetic, so merged results are bit-identical however the work was split and ordered.
 */
public final class UnitResult implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Histogram bins of log10(scaled error): bin 0 holds < 1e-12 (and 0), bin 22 holds >= 1e10. */
    public static final int HIST_BINS = 23;
    private static final int HIST_OFFSET = 13;

    private final int test;
    private final long checked;
    private final int worstIndex;          // -1 when no finite element was compared
    private final double worstScaled;
    private final double worstAnalytic;
    private final double worstNumeric;
    private final double worstAbs;
    private final double worstRel;
    private final long nonFiniteCount;
    private final int nonFiniteIndex;      // -1 when none
    private final double nonFiniteAnalytic;
    private final double nonFiniteNumeric;
    private final long[] histogram;

    private UnitResult(int test, long checked, int worstIndex, double worstScaled, double worstAnalytic,
            double worstNumeric, double worstAbs, double worstRel, long nonFiniteCount, int nonFiniteIndex,
            double nonFiniteAnalytic, double nonFiniteNumeric, long[] histogram) {
        this.test = test;
        this.checked = checked;
        this.worstIndex = worstIndex;
        this.worstScaled = worstScaled;
        this.worstAnalytic = worstAnalytic;
        this.worstNumeric = worstNumeric;
        this.worstAbs = worstAbs;
        this.worstRel = worstRel;
        this.nonFiniteCount = nonFiniteCount;
        this.nonFiniteIndex = nonFiniteIndex;
        this.nonFiniteAnalytic = nonFiniteAnalytic;
        this.nonFiniteNumeric = nonFiniteNumeric;
        this.histogram = histogram;
    }

    /** The identity of {@link #merge} for a test. */
    public static UnitResult empty(int test) {
        return new UnitResult(test, 0, -1, Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, -1, 0, 0, new long[HIST_BINS]);
    }

    /** Accumulates comparisons inside one unit. */
    static final class Builder {
        private final int test;
        private long checked;
        private int worstIndex = -1;
        private double worstScaled = Double.NEGATIVE_INFINITY;
        private double worstAnalytic;
        private double worstNumeric;
        private double worstAbs;
        private double worstRel;
        private long nonFiniteCount;
        private int nonFiniteIndex = -1;
        private double nonFiniteAnalytic;
        private double nonFiniteNumeric;
        private final long[] histogram = new long[HIST_BINS];

        Builder(int test) {
            this.test = test;
        }

        /** Records element {@code index} with its analytic and numeric values and errors. */
        void add(int index, double analytic, double numeric, double abs, double rel, double scaled) {
            checked++;
            if (!Double.isFinite(abs) || !Double.isFinite(rel) || Double.isNaN(scaled)) {
                nonFiniteCount++;
                if (nonFiniteIndex < 0 || index < nonFiniteIndex) {
                    nonFiniteIndex = index;
                    nonFiniteAnalytic = analytic;
                    nonFiniteNumeric = numeric;
                }
                return;
            }
            histogram[bin(scaled)]++;
            if (scaled > worstScaled || (scaled == worstScaled && index < worstIndex)) {
                worstScaled = scaled;
                worstIndex = index;
                worstAnalytic = analytic;
                worstNumeric = numeric;
                worstAbs = abs;
                worstRel = rel;
            }
        }

        UnitResult build() {
            return new UnitResult(test, checked, worstIndex, worstScaled, worstAnalytic, worstNumeric, worstAbs,
                    worstRel, nonFiniteCount, nonFiniteIndex, nonFiniteAnalytic, nonFiniteNumeric, histogram.clone());
        }
    }

    static int bin(double scaled) {
        if (!(scaled >= 1e-12)) {
            return 0;
        }
        int b = (int) Math.floor(Math.log10(scaled)) + HIST_OFFSET;
        return Math.max(1, Math.min(HIST_BINS - 1, b));
    }

    /** The lower edge of histogram bin {@code b} as a power of ten (bin 0: everything below 1e-12). */
    public static int binLowerExponent(int b) {
        return b - HIST_OFFSET;
    }

    /** Combines results of the same test; associative and commutative. */
    public UnitResult merge(UnitResult o) {
        if (o.test != test) {
            throw new IllegalArgumentException("cannot merge results of test " + test + " and test " + o.test);
        }
        boolean takeOther = o.worstIndex >= 0 && (worstIndex < 0 || o.worstScaled > worstScaled
                || (o.worstScaled == worstScaled && o.worstIndex < worstIndex));
        UnitResult w = takeOther ? o : this;
        boolean otherNonFinite = o.nonFiniteIndex >= 0 && (nonFiniteIndex < 0 || o.nonFiniteIndex < nonFiniteIndex);
        UnitResult n = otherNonFinite ? o : this;
        long[] h = histogram.clone();
        for (int i = 0; i < h.length; i++) {
            h[i] += o.histogram[i];
        }
        return new UnitResult(test, checked + o.checked, w.worstIndex, w.worstScaled, w.worstAnalytic,
                w.worstNumeric, w.worstAbs, w.worstRel, nonFiniteCount + o.nonFiniteCount, n.nonFiniteIndex,
                n.nonFiniteAnalytic, n.nonFiniteNumeric, h);
    }

    public int test() { return test; }
    public long checked() { return checked; }
    /** Flat index (over all inputs, or the projection number in fast mode) of the worst element; -1 if none. */
    public int worstIndex() { return worstIndex; }
    public double worstScaled() { return worstScaled; }
    public double worstAnalytic() { return worstAnalytic; }
    public double worstNumeric() { return worstNumeric; }
    public double worstAbs() { return worstAbs; }
    public double worstRel() { return worstRel; }
    public long nonFiniteCount() { return nonFiniteCount; }
    public int nonFiniteIndex() { return nonFiniteIndex; }
    public double nonFiniteAnalytic() { return nonFiniteAnalytic; }
    public double nonFiniteNumeric() { return nonFiniteNumeric; }
    public long[] histogram() { return histogram.clone(); }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UnitResult)) {
            return false;
        }
        UnitResult u = (UnitResult) o;
        return test == u.test && checked == u.checked && worstIndex == u.worstIndex
                && Double.compare(worstScaled, u.worstScaled) == 0 && Double.compare(worstAnalytic, u.worstAnalytic) == 0
                && Double.compare(worstNumeric, u.worstNumeric) == 0 && Double.compare(worstAbs, u.worstAbs) == 0
                && Double.compare(worstRel, u.worstRel) == 0 && nonFiniteCount == u.nonFiniteCount
                && nonFiniteIndex == u.nonFiniteIndex && Double.compare(nonFiniteAnalytic, u.nonFiniteAnalytic) == 0
                && Double.compare(nonFiniteNumeric, u.nonFiniteNumeric) == 0 && Arrays.equals(histogram, u.histogram);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(test, checked, worstIndex, worstScaled, nonFiniteIndex, Arrays.hashCode(histogram));
    }

    @Override
    public String toString() {
        return "UnitResult(test=" + test + ", checked=" + checked + ", worst=" + worstIndex + " scaled=" + worstScaled
                + " analytic=" + worstAnalytic + " numeric=" + worstNumeric + ", nonFinite=" + nonFiniteCount + ")";
    }
}
