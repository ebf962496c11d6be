package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gradaudit.core.Variable;

/**
 * The inputs of one step, as the step function sees them: the slices of each sequence at each of
 * its taps, the previous values of each state at each of its taps, and the non-sequences (the
 * outer variables themselves: using an outer variable in the step, passed or not, makes it an
 * implicit non-sequence). {@link #args()} lists them in Theano's order.
 */
public final class ScanInner {
    private final List<List<Variable>> seqs;
    private final List<int[]> seqTaps;
    private final List<List<Variable>> states;
    private final List<int[]> stateTaps;
    private final List<Variable> nonSeqs;

    ScanInner(List<List<Variable>> seqs, List<int[]> seqTaps, List<List<Variable>> states, List<int[]> stateTaps,
            List<Variable> nonSeqs) {
        this.seqs = seqs;
        this.seqTaps = seqTaps;
        this.states = states;
        this.stateTaps = stateTaps;
        this.nonSeqs = nonSeqs;
    }

    /** Sequence i at its first tap (tap 0 by default). */
    public Variable seq(int i) {
        return check("sequence", i, seqs).get(0);
    }

    /** Sequence i at {@code tap}: row {@code t + tap} of the sequence. */
    public Variable seq(int i, int tap) {
        return at("sequence", i, tap, check("sequence", i, seqs), seqTaps.get(i));
    }

    /**
     * State k at its last tap (tap -1 by default): its value after the previous step. The index
     * counts outputsInfo entries with feedback only.
     */
    public Variable state(int k) {
        List<Variable> l = check("state", k, states);
        return l.get(l.size() - 1);
    }

    /** State k at {@code tap} (negative): its value {@code -tap} steps ago. */
    public Variable state(int k, int tap) {
        return at("state", k, tap, check("state", k, states), stateTaps.get(k));
    }

    /** Non-sequence i, as passed to {@code nonSequences}. */
    public Variable nonSeq(int i) {
        return check("non-sequence", i, nonSeqs);
    }

    public int nSequences() { return seqs.size(); }
    public int nStates() { return states.size(); }

    /** All inputs in Theano's order: sequence taps, state taps, non-sequences. */
    public List<Variable> args() {
        List<Variable> r = new ArrayList<>();
        seqs.forEach(r::addAll);
        states.forEach(r::addAll);
        r.addAll(nonSeqs);
        return Collections.unmodifiableList(r);
    }

    private static <X> X check(String what, int i, List<X> l) {
        if (i < 0 || i >= l.size()) {
            throw new IndexOutOfBoundsException("Scan step: there is no " + what + " " + i + "; the scan has " + l.size()
                    + " " + what + (l.size() == 1 ? "" : "s"));
        }
        return l.get(i);
    }

    private static Variable at(String what, int i, int tap, List<Variable> l, int[] taps) {
        for (int k = 0; k < taps.length; k++) {
            if (taps[k] == tap) {
                return l.get(k);
            }
        }
        throw new IllegalArgumentException("Scan step: " + what + " " + i + " has taps " + java.util.Arrays.toString(taps)
                + ", not " + tap);
    }
}
