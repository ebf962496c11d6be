package org.gradaudit.jobs.audit;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.core.check.VerifyOptions;

/**
 * How one case is checked: the spec's {@code "defaults"} merged with the case's {@code "check"}.
 * Null eps and tolerances mean "from the dtype tables" (Theano's defaults: float64 eps 1e-7 and
 * tolerance 1e-4; float32 3e-4 and 1e-2).
 */
public final class CheckSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Theano's verify_grad defaults: 2 tests, one-sided differences, dtype eps and tolerances, every element, no budget. */
    public static final CheckSettings DEFAULTS = new CheckSettings(2, CheckMode.THEANO, null, null, null, 8, null, null);

    private final int nTests;
    private final CheckMode mode;
    private final Double eps;
    private final Double absTol;
    private final Double relTol;
    private final int nProjections;
    private final Integer maxElements;
    private final Long timeBudgetMs;

    public CheckSettings(int nTests, CheckMode mode, Double eps, Double absTol, Double relTol, int nProjections) {
        this(nTests, mode, eps, absTol, relTol, nProjections, null, null);
    }

    public CheckSettings(int nTests, CheckMode mode, Double eps, Double absTol, Double relTol, int nProjections,
            Integer maxElements, Long timeBudgetMs) {
        this.nTests = nTests;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.eps = eps;
        this.absTol = absTol;
        this.relTol = relTol;
        this.nProjections = nProjections;
        this.maxElements = maxElements;
        this.timeBudgetMs = timeBudgetMs;
    }

    public int nTests() { return nTests; }
    public CheckMode mode() { return mode; }
    public Double eps() { return eps; }
    public Double absTol() { return absTol; }
    public Double relTol() { return relTol; }
    /** Random input directions per test in fast mode. */
    public int nProjections() { return nProjections; }
    /** At most this many elements per input are checked (a seeded sample); null: all. */
    public Integer maxElements() { return maxElements; }
    /** The time a case may take (planned before running from the measured cost); null: no limit. */
    public Long timeBudgetMs() { return timeBudgetMs; }

    CheckSettings withNTests(int v) { return new CheckSettings(v, mode, eps, absTol, relTol, nProjections, maxElements, timeBudgetMs); }
    CheckSettings withMode(CheckMode v) { return new CheckSettings(nTests, v, eps, absTol, relTol, nProjections, maxElements, timeBudgetMs); }
    CheckSettings withEps(Double v) { return new CheckSettings(nTests, mode, v, absTol, relTol, nProjections, maxElements, timeBudgetMs); }
    CheckSettings withAbsTol(Double v) { return new CheckSettings(nTests, mode, eps, v, relTol, nProjections, maxElements, timeBudgetMs); }
    CheckSettings withRelTol(Double v) { return new CheckSettings(nTests, mode, eps, absTol, v, nProjections, maxElements, timeBudgetMs); }
    CheckSettings withNProjections(int v) { return new CheckSettings(nTests, mode, eps, absTol, relTol, v, maxElements, timeBudgetMs); }
    CheckSettings withMaxElements(Integer v) { return new CheckSettings(nTests, mode, eps, absTol, relTol, nProjections, v, timeBudgetMs); }
    CheckSettings withTimeBudgetMs(Long v) { return new CheckSettings(nTests, mode, eps, absTol, relTol, nProjections, maxElements, v); }

    /** The core's options for these settings and the spec's seed. */
    public VerifyOptions toOptions(long seed) {
        return VerifyOptions.builder().nTests(nTests).seed(seed).mode(mode).eps(eps).absTol(absTol).relTol(relTol)
                .nProjections(nProjections).build();
    }

    /** The spelling used in specs and reports: theano, central, fast. */
    public static String modeName(CheckMode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckSettings)) {
            return false;
        }
        CheckSettings c = (CheckSettings) o;
        return nTests == c.nTests && mode == c.mode && Objects.equals(eps, c.eps) && Objects.equals(absTol, c.absTol)
                && Objects.equals(relTol, c.relTol) && nProjections == c.nProjections
                && Objects.equals(maxElements, c.maxElements) && Objects.equals(timeBudgetMs, c.timeBudgetMs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nTests, mode, eps, absTol, relTol, nProjections, maxElements, timeBudgetMs);
    }

    @Override
    public String toString() {
        return "CheckSettings(nTests=" + nTests + ", mode=" + modeName(mode) + ", eps=" + eps + ", absTol=" + absTol
                + ", relTol=" + relTol + ", nProjections=" + nProjections + ", maxElements=" + maxElements
                + ", timeBudgetMs=" + timeBudgetMs + ")";
    }
}
