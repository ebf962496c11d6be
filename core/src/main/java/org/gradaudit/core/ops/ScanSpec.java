package org.gradaudit.core.ops;

import java.io.Serializable;
import java.util.Arrays;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.compile.Program;

/**
 * The serializable description of one {@link Scan} node: the loop geometry, the kind and reading
 * rule of every outer input and output, the inner {@link Program} and the connection pattern.
 * Plain data: it is what travels to executors inside a Program.
 *
 * <p><b>Logical steps.</b> A scan has N logical steps {@code t = 0..N-1} (N from the nSteps input,
 * else from the sequences). It runs the steps of a range {@code [tLo, N)}, {@code tLo = 0}, or
 * {@code max(0, N - lastK)} when {@code lastK >= 0} (a truncated backward pass), in FORWARD or
 * REVERSE order; iteration {@code s = 0, 1, ...} is step {@code t = tLo + s} (FORWARD) or
 * {@code t = N - 1 - s} (REVERSE). Every outer array indexed by steps is indexed by t, so a scan
 * and its gradient (the same steps in the opposite order) share one axis.
 *
 * <p><b>Kinds</b> (outer inputs, in this order: [nSteps], READ, SREAD (2 each), STATE init,
 * NONSEQ, then the "like" inputs of ACCUM, SACCUM (2 each), SUMACC; inner inputs: READ taps,
 * SREAD taps, STATE taps, NONSEQ; inner outputs: STATE, STACK, ACCUM taps, SACCUM taps, SUMACC,
 * [until]; outer outputs: STATE, STACK, ACCUM, SACCUM (2 each), SUMACC, steps run):
 * <ul>
 *   <li>READ: a sequence; tap j at step t reads row {@code b(t) + off + j}, {@code b(t) = t}, or
 *       {@code L - 1 - t} when read backwards, with {@code L = len - span} (Theano's cut of a
 *       sequence with taps).</li>
 *   <li>STATE: a recurrence with init I of m rows (or one row, "single", Theano's sit_sot); tap
 *       τ &lt; 0 reads the value of iteration {@code s + τ} (or init row {@code m + s + τ});
 *       output stacked by t (rows outside the range are zero).</li>
 *   <li>SREAD: reads, as a sequence, what a STATE of another scan (the origin, with its own
 *       order and range) read: {@code q = s_o(t) + τ}; {@code Y[t_o(q)]} if q &ge; 0, else the
 *       init row {@code m + q}. The forward values a gradient scan needs.</li>
 *   <li>NONSEQ: the same whole value at every step.</li>
 *   <li>STACK: an output stacked by t (Theano's nit_sot).</li>
 *   <li>ACCUM / SACCUM / SUMACC: outputs that add the inner outputs into zeros shaped like a
 *       "like" input, at the rows a READ / SREAD would read, or whole: the transposes of READ,
 *       SREAD and NONSEQ, which gradients are made of.</li>
 * </ul>
 * Each kind's L-op is another kind (READ and ACCUM, SREAD and SACCUM, NONSEQ and SUMACC swap;
 * STACK's cotangent is READ; a STATE's adjoint is a STATE in the opposite order plus an SACCUM
 * into its init), so the gradient of a scan is a scan of the same form, and so is its gradient.
 */
final class ScanSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Order {
        FORWARD, REVERSE;

        Order flip() {
            return this == FORWARD ? REVERSE : FORWARD;
        }
    }

    /** READ/ACCUM rule: row of tap j at step t = (backwards ? len - span - 1 - t : t) + off + j. */
    static final class Read implements Serializable {
        private static final long serialVersionUID = 1L;
        final int[] taps;
        final boolean backwards;
        final int off;
        final int span;
        /** A user sequence: it determines N when nSteps is absent and must be long enough. */
        final boolean defining;

        Read(int[] taps, boolean backwards, int off, int span, boolean defining) {
            this.taps = taps.clone();
            this.backwards = backwards;
            this.off = off;
            this.span = span;
            this.defining = defining;
        }

        Read nonDefining() {
            return new Read(taps, backwards, off, span, false);
        }

        /** The row {@code t} reads for tap index {@code k} in an array of {@code len} rows. */
        int row(int t, int k, int len) {
            int base = backwards ? len - span - 1 - t : t;
            return base + off + taps[k];
        }

        /** A row for step t that reads each step's row t (cotangents of stacked outputs). */
        static Read identity() {
            return new Read(new int[] {0}, false, 0, 0, false);
        }

        @Override
        public String toString() {
            return "taps" + Arrays.toString(taps) + (backwards ? " backwards" : "");
        }
    }

    /** SREAD/SACCUM rule: the reads of a STATE (taps, m, single) of a scan with the given order and range. */
    static final class SRead implements Serializable {
        private static final long serialVersionUID = 1L;
        final int[] taps;
        final int m;
        final boolean single;
        final Order originOrder;
        final int originLastK;

        SRead(int[] taps, int m, boolean single, Order originOrder, int originLastK) {
            this.taps = taps.clone();
            this.m = m;
            this.single = single;
            this.originOrder = originOrder;
            this.originLastK = originLastK;
        }

        /** {@code q = s_o(t) + tap}: q &ge; 0 is the origin's iteration q, q &lt; 0 the init row m + q. */
        int q(int t, int k, int n) {
            int tLo = tLo(n, originLastK);
            int s = originOrder == Order.FORWARD ? t - tLo : n - 1 - t;
            return s + taps[k];
        }

        /** The step t of the origin's iteration q &ge; 0. */
        int stepOf(int q, int n) {
            return originOrder == Order.FORWARD ? tLo(n, originLastK) + q : n - 1 - q;
        }
    }

    /** STATE rule: taps (negative), m init rows (|tap| &le; m), single = init is one row (taps [-1]). */
    static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        final int[] taps;
        final int m;
        final boolean single;

        State(int[] taps, int m, boolean single) {
            this.taps = taps.clone();
            this.m = m;
            this.single = single;
        }
    }

    static int tLo(int n, int lastK) {
        return lastK < 0 ? 0 : Math.max(0, n - lastK);
    }

    final Order order;
    final int lastK;
    final int truncate;
    final boolean hasNSteps;
    final boolean hasUntil;
    final Read[] reads;
    final SRead[] sreads;
    final State[] states;
    final int nNonSeq;
    final int nStack;
    final Read[] accums;
    final SRead[] saccums;
    final int nSumAcc;
    final Program inner;
    final TensorType[] inTypes;
    final TensorType[] outTypes;
    final boolean[][] pattern;
    final String name;

    ScanSpec(Order order, int lastK, int truncate, boolean hasNSteps, boolean hasUntil, Read[] reads, SRead[] sreads,
            State[] states, int nNonSeq, int nStack, Read[] accums, SRead[] saccums, int nSumAcc, Program inner,
            TensorType[] inTypes, TensorType[] outTypes, boolean[][] pattern, String name) {
        this.order = order;
        this.lastK = lastK;
        this.truncate = truncate;
        this.hasNSteps = hasNSteps;
        this.hasUntil = hasUntil;
        this.reads = reads;
        this.sreads = sreads;
        this.states = states;
        this.nNonSeq = nNonSeq;
        this.nStack = nStack;
        this.accums = accums;
        this.saccums = saccums;
        this.nSumAcc = nSumAcc;
        this.inner = inner;
        this.inTypes = inTypes;
        this.outTypes = outTypes;
        this.pattern = pattern;
        this.name = name;
    }

    // ---- outer input layout ----
    int readIn(int r) { return (hasNSteps ? 1 : 0) + r; }
    int sreadIn(int i) { return readIn(reads.length) + 2 * i; }
    int stateIn(int k) { return sreadIn(sreads.length) + k; }
    int nonSeqIn(int i) { return stateIn(states.length) + i; }
    int accumLikeIn(int a) { return nonSeqIn(nNonSeq) + a; }
    int saccumLikeIn(int a) { return accumLikeIn(accums.length) + 2 * a; }
    int sumAccLikeIn(int a) { return saccumLikeIn(saccums.length) + a; }
    int nInputs() { return sumAccLikeIn(nSumAcc); }

    // ---- outer output layout ----
    int stateOut(int k) { return k; }
    int stackOut(int i) { return states.length + i; }
    int accumOut(int a) { return stackOut(nStack) + a; }
    int saccumOut(int a) { return accumOut(accums.length) + 2 * a; }
    int sumAccOut(int a) { return saccumOut(saccums.length) + a; }
    int stepsOut() { return sumAccOut(nSumAcc); }
    int nOutputs() { return stepsOut() + 1; }

    // ---- inner layout ----
    int innerRead(int r) {
        int p = 0;
        for (int i = 0; i < r; i++) {
            p += reads[i].taps.length;
        }
        return p;
    }

    int innerSRead(int r) {
        int p = innerRead(reads.length);
        for (int i = 0; i < r; i++) {
            p += sreads[i].taps.length;
        }
        return p;
    }

    int innerState(int k) {
        int p = innerSRead(sreads.length);
        for (int i = 0; i < k; i++) {
            p += states[i].taps.length;
        }
        return p;
    }

    int innerNonSeq(int i) { return innerState(states.length) + i; }

    int innerStateOut(int k) { return k; }
    int innerStackOut(int i) { return states.length + i; }

    int innerAccumOut(int a) {
        int p = innerStackOut(nStack);
        for (int i = 0; i < a; i++) {
            p += accums[i].taps.length;
        }
        return p;
    }

    int innerSAccumOut(int a) {
        int p = innerAccumOut(accums.length);
        for (int i = 0; i < a; i++) {
            p += saccums[i].taps.length;
        }
        return p;
    }

    int innerSumAccOut(int a) { return innerSAccumOut(saccums.length) + a; }
    int innerUntil() { return innerSumAccOut(nSumAcc); }
}
