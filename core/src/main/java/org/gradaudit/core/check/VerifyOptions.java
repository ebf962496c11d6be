package org.gradaudit.core.check;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Options of {@link VerifyGrad}, with Theano's defaults: 2 tests, eps and tolerances from the
 * dtype tables ({@link Tolerances}), one-sided differences. The seed defaults to 666 (Theano's
 * {@code unittests.rseed}), so a check is reproducible unless a generator is given.
 */
public final class VerifyOptions {
    public static final VerifyOptions DEFAULTS = builder().build();

    private final int nTests;
    private final long seed;
    private final RandomGenerator rng;
    private final Double eps;
    private final Double absTol;
    private final Double relTol;
    private final boolean castToOutputType;
    private final CheckMode mode;
    private final int nProjections;

    private VerifyOptions(Builder b) {
        this.nTests = b.nTests;
        this.seed = b.seed;
        this.rng = b.rng;
        this.eps = b.eps;
        this.absTol = b.absTol;
        this.relTol = b.relTol;
        this.castToOutputType = b.castToOutputType;
        this.mode = b.mode;
        this.nProjections = b.nProjections;
    }

    public static Builder builder() { return new Builder(); }

    public int nTests() { return nTests; }
    public long seed() { return seed; }
    /** A generator to draw projections from in sequence (Theano's rng), or null to use the seed. */
    public RandomGenerator rng() { return rng; }
    public Double eps() { return eps; }
    public Double absTol() { return absTol; }
    public Double relTol() { return relTol; }
    public boolean castToOutputType() { return castToOutputType; }
    public CheckMode mode() { return mode; }
    /** Input directions per test in {@link CheckMode#FAST}. */
    public int nProjections() { return nProjections; }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.nTests = nTests;
        b.seed = seed;
        b.rng = rng;
        b.eps = eps;
        b.absTol = absTol;
        b.relTol = relTol;
        b.castToOutputType = castToOutputType;
        b.mode = mode;
        b.nProjections = nProjections;
        return b;
    }

    public static final class Builder {
        private int nTests = 2;
        private long seed = 666;
        private RandomGenerator rng;
        private Double eps;
        private Double absTol;
        private Double relTol;
        private boolean castToOutputType;
        private CheckMode mode = CheckMode.THEANO;
        private int nProjections = 8;

        private Builder() {}

        public Builder nTests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nTests must be at least 1, got " + n);
            }
            this.nTests = n;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Draw projections from this generator, in order, instead of the seeded streams. */
        public Builder rng(RandomGenerator r) {
            this.rng = r;
            return this;
        }

        public Builder eps(Double e) {
            if (e != null && !(e > 0 && Double.isFinite(e))) {
                throw new IllegalArgumentException("eps must be positive and finite, got " + e);
            }
            this.eps = e;
            return this;
        }

        public Builder absTol(Double t) {
            if (t != null && !(t > 0)) {
                throw new IllegalArgumentException("absTol must be positive, got " + t);
            }
            this.absTol = t;
            return this;
        }

        public Builder relTol(Double t) {
            if (t != null && !(t > 0)) {
                throw new IllegalArgumentException("relTol must be positive, got " + t);
            }
            this.relTol = t;
            return this;
        }

        public Builder castToOutputType(boolean v) {
            this.castToOutputType = v;
            return this;
        }

        public Builder mode(CheckMode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        public Builder nProjections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nProjections must be at least 1, got " + n);
            }
            this.nProjections = n;
            return this;
        }

        public VerifyOptions build() { return new VerifyOptions(this); }
    }
}
