package org.gradaudit.core.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-checks of one element that reveal an unreliable finite difference rather than a wrong
 * gradient: a kink (one-sided and central differences disagree) or a bad step (the difference
 * changes sharply when the step is divided or multiplied by 10). Both compare two numeric
 * estimates with the check's own error measure: they "disagree" when the scaled error between them
 * exceeds 1, i.e. both the absolute and the relative tolerance are exceeded. Deterministic: a pure
 * function of the check, the test and the element.
 */
public final class Diagnostics {
    private Diagnostics() {}

    /**
     * Warnings for element {@code flat} of test {@code test} (empty when the difference is stable):
     * one-sided vs central at eps, and the check's own formula (one-sided in the Theano mode,
     * central otherwise) at eps/10 and eps*10 against eps.
     */
    public static List<String> stepChecks(GradCheck c, int test, int flat) {
        List<String> w = new ArrayList<>();
        double eps = c.eps();
        double oneSided = c.element(test, flat, eps, false)[1];
        double central = c.element(test, flat, eps, true)[1];
        String where = "input '" + c.inputName(c.argOf(flat)) + "' flat " + (flat - c.offsetOf(c.argOf(flat)))
                + " (test " + test + ")";
        if (c.compare(oneSided, central)[2] > 1) {
            w.add(String.format(Locale.ROOT, "kink or bad eps at %s: one-sided difference %.9g and central"
                    + " difference %.9g disagree beyond the tolerances", where, oneSided, central));
        }
        boolean centralMode = c.mode() != CheckMode.THEANO;
        double at = centralMode ? central : oneSided;
        double small = c.element(test, flat, eps / 10, centralMode)[1];
        double large = c.element(test, flat, eps * 10, centralMode)[1];
        if (c.compare(small, at)[2] > 1 || c.compare(large, at)[2] > 1) {
            w.add(String.format(Locale.ROOT, "the %s difference at %s changes sharply with the step: eps/10 -> %.9g,"
                    + " eps=%.3g -> %.9g, eps*10 -> %.9g (a kink nearby or an eps too small or too large for the dtype)",
                    centralMode ? "central" : "one-sided", where, small, eps, at, large));
        }
        return w;
    }
}
