package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DType;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.graph.Graphs;

/**
 * Builds a {@link Scan} with Theano's conventions:
 * <ul>
 *   <li><b>sequences</b> are sliced along axis 0. A sequence read at taps j (any integers,
 *       {@code Scan.seq(x, -1, 0)}) gives at step t the rows {@code x[t - lo + j]} with
 *       {@code lo = min(0, min j)}, and {@code len(x) - (max(0, max j) - lo)} steps (Theano cuts
 *       the sequence as if tap 0 were used).</li>
 *   <li><b>outputsInfo</b>: {@code Scan.state(init)} (tap -1, init shaped like the state),
 *       {@code Scan.state(init, -2, -1)} (init with a leading axis of length {@code -min(taps)},
 *       row i being the state of step {@code i - m}), {@code Scan.noFeedback()}.</li>
 *   <li><b>nonSequences</b>: passed to the step as they are. Any other variable the step reads
 *       that does not depend on the step's inputs (shared variables included) becomes an
 *       implicit non-sequence, so its gradient is computed; constants stay in the step.</li>
 *   <li><b>nSteps</b>: optional when there are sequences; with sequences, they must all give the
 *       same number of steps (an error otherwise: unlike Theano, which silently uses the
 *       shortest), or at least nSteps when nSteps is given (their first rows are used).</li>
 *   <li><b>goBackwards</b>: sequences are read from the end (of the rows the steps use);
 *       outputs stay in the order the steps run, as in Theano.</li>
 *   <li><b>truncateGradient(k)</b>: backpropagation through the last k steps only; -1 (the
 *       default) is the full gradient.</li>
 *   <li><b>until</b> ({@link ScanStep#until}): the loop stops after the step where the
 *       condition is non-zero; outputs then have the number of steps run.</li>
 * </ul>
 * Outputs: one per outputsInfo entry, stacked over the steps, {@code (nSteps, ...)}, without the
 * initial taps.
 */
public final class ScanBuilder {
    private final List<Scan.Seq> sequences = new ArrayList<>();
    private final List<Scan.OutputInfo> outputsInfo = new ArrayList<>();
    private final List<Variable> nonSequences = new ArrayList<>();
    private Variable nSteps;
    private int truncate = -1;
    private boolean goBackwards;
    private ScanStep.Fn step;
    private String name = "scan";

    ScanBuilder() {}

    /** Sequences: each a {@link Variable} (tap 0) or a {@link Scan#seq}. */
    public ScanBuilder sequences(Object... seqs) {
        for (Object o : seqs) {
            if (o instanceof Variable) {
                sequences.add(Scan.seq((Variable) o));
            } else if (o instanceof Scan.Seq) {
                sequences.add((Scan.Seq) o);
            } else {
                throw new IllegalArgumentException("Scan: a sequence must be a Variable or Scan.seq(x, taps...), got " + o);
            }
        }
        return this;
    }

    public ScanBuilder outputsInfo(Scan.OutputInfo... infos) {
        outputsInfo.addAll(Arrays.asList(infos));
        return this;
    }

    public ScanBuilder nonSequences(Variable... vs) {
        nonSequences.addAll(Arrays.asList(vs));
        return this;
    }

    public ScanBuilder nSteps(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Scan: nSteps is " + n + "; it must be >= 0");
        }
        this.nSteps = T.constant(n, DType.INT64);
        return this;
    }

    /** The number of steps as an integer scalar variable. */
    public ScanBuilder nSteps(Variable n) {
        Objects.requireNonNull(n, "nSteps");
        if (!n.isTensor() || n.ndim() != 0 || !n.dtype().isInteger()) {
            throw new IllegalArgumentException("Scan: nSteps must be an integer scalar, got " + n + " of type " + n.type());
        }
        this.nSteps = T.cast(n, DType.INT64);
        return this;
    }

    public ScanBuilder truncateGradient(int k) {
        if (k < -1) {
            throw new IllegalArgumentException("Scan: truncateGradient is " + k + "; use -1 (full) or a number of steps >= 0");
        }
        this.truncate = k;
        return this;
    }

    public ScanBuilder goBackwards(boolean b) {
        this.goBackwards = b;
        return this;
    }

    public ScanBuilder name(String n) {
        this.name = Objects.requireNonNull(n);
        return this;
    }

    public ScanBuilder step(ScanStep.Fn fn) {
        this.step = Objects.requireNonNull(fn, "step");
        return this;
    }

    /** Builds the scan; returns one output per outputsInfo entry. */
    public List<Variable> build() {
        return buildResult().outputs();
    }

    /** The outputs and the number of steps actually run (an int64 scalar, useful with until). */
    public ScanResult buildResult() {
        if (step == null) {
            throw new IllegalStateException("Scan: no step function; call step(...)");
        }
        if (sequences.isEmpty() && nSteps == null) {
            throw new IllegalArgumentException("Scan: no information about the number of steps; give sequences or nSteps");
        }
        ScanParts parts = new ScanParts();
        parts.truncate = truncate;
        parts.nSteps = nSteps;
        parts.name = name;
        Set<Variable> placeholders = Graphs.identitySet();
        List<List<Variable>> seqInner = new ArrayList<>();
        List<int[]> seqTaps = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            Scan.Seq sq = sequences.get(i);
            if (sq.x == null || !sq.x.isTensor() || sq.x.ndim() == 0) {
                throw new IllegalArgumentException("Scan: sequence " + i + " (" + sq.x + ") must be a tensor with at least"
                        + " one axis, got " + (sq.x == null ? "null" : sq.x.type()));
            }
            distinct("sequence " + i, sq.taps);
            int lo = Math.min(0, Arrays.stream(sq.taps).min().getAsInt());
            int hi = Math.max(0, Arrays.stream(sq.taps).max().getAsInt());
            TensorType t = sq.x.tensorType();
            boolean[] b = Arrays.copyOfRange(t.broadcastable(), 1, t.ndim());
            List<Variable> inner = new ArrayList<>();
            for (int tap : sq.taps) {
                inner.add(new TensorType(t.dtype(), b).make(name(sq.x, "[t" + (tap == 0 ? "" : tap > 0 ? "+" + tap : "" + tap) + "]")));
            }
            placeholders.addAll(inner);
            seqInner.add(inner);
            seqTaps.add(sq.taps);
            parts.reads.add(new ScanParts.ReadPart(new ScanSpec.Read(sq.taps, goBackwards, -lo, hi - lo, true), sq.x, inner));
        }
        List<List<Variable>> stateInner = new ArrayList<>();
        List<int[]> stateTaps = new ArrayList<>();
        for (int k = 0; k < outputsInfo.size(); k++) {
            Scan.OutputInfo oi = outputsInfo.get(k);
            if (!oi.feedback()) {
                continue;
            }
            if (!oi.init.isTensor()) {
                throw new IllegalArgumentException("Scan: the initial value of output " + k + " has type " + oi.init.type());
            }
            distinct("output " + k, oi.taps);
            for (int tap : oi.taps) {
                if (tap >= 0) {
                    throw new IllegalArgumentException("Scan: output " + k + " has taps " + Arrays.toString(oi.taps)
                            + "; the taps of a state must be negative (its values of previous steps)");
                }
            }
            boolean single = oi.taps.length == 1 && oi.taps[0] == -1;
            int m = -Arrays.stream(oi.taps).min().getAsInt();
            if (!single && oi.init.ndim() == 0) {
                throw new IllegalArgumentException("Scan: output " + k + " has taps " + Arrays.toString(oi.taps)
                        + " so its initial value needs a leading axis of length " + m + ", but it is a scalar");
            }
            TensorType rowType = TensorType.of(oi.init.dtype(), oi.init.ndim() - (single ? 0 : 1));
            List<Variable> inner = new ArrayList<>();
            for (int tap : oi.taps) {
                inner.add(rowType.make(name(oi.init, "[t" + tap + "]")));
            }
            placeholders.addAll(inner);
            stateInner.add(inner);
            stateTaps.add(oi.taps);
        }
        ScanInner in = new ScanInner(seqInner, seqTaps, stateInner, stateTaps, List.copyOf(nonSequences));
        ScanStep result = step.apply(in);
        if (result == null) {
            throw new IllegalArgumentException("Scan: the step function returned null");
        }
        List<Variable> outs = result.outputs();
        if (outs.size() != outputsInfo.size()) {
            throw new IllegalArgumentException("Scan: the step function returned " + outs.size() + " output"
                    + (outs.size() == 1 ? "" : "s") + " but outputsInfo declares " + outputsInfo.size()
                    + " (one per state and per output without feedback)");
        }
        for (int k = 0; k < outs.size(); k++) {
            Variable o = outs.get(k);
            if (o == null || !o.isTensor()) {
                throw new IllegalArgumentException("Scan: step output " + k + " is " + (o == null ? "null" : o + " of type "
                        + o.type()) + "; a tensor is required");
            }
            Scan.OutputInfo oi = outputsInfo.get(k);
            if (oi.feedback()) {
                int rowNdim = oi.init.ndim() - (oi.taps.length == 1 && oi.taps[0] == -1 ? 0 : 1);
                if (o.dtype() != oi.init.dtype() || o.ndim() != rowNdim) {
                    throw new IllegalArgumentException("Scan: step output " + k + " (" + o + ") has type " + o.type()
                            + " but its state's initial value " + oi.init + " of type " + oi.init.type() + " implies "
                            + TensorType.of(oi.init.dtype(), rowNdim) + "; a state must keep its dtype and ndim"
                            + " (cast the step output or the initial value)");
                }
            }
        }
        Variable until = result.until();
        if (until != null && (!until.isTensor() || until.ndim() != 0)) {
            throw new IllegalArgumentException("Scan: the until condition " + until + " must be a scalar, got " + until.type());
        }

        // implicit non-sequences: what the step reads that does not depend on its inputs
        List<Variable> roots = new ArrayList<>(outs);
        if (until != null) {
            roots.add(until);
        }
        Set<Variable> dependent = Graphs.identitySet();
        dependent.addAll(placeholders);
        List<Apply> nodes = Graphs.toposort(roots);
        for (Apply node : nodes) {
            for (Variable v : node.inputs()) {
                if (dependent.contains(v)) {
                    dependent.addAll(node.outputs());
                    break;
                }
            }
        }
        List<Variable> free = new ArrayList<>();
        Set<Variable> seen = Graphs.identitySet();
        for (Variable v : nonSequences) {
            addFree(v, dependent, seen, free);
        }
        for (Apply node : nodes) {
            if (dependent.contains(node.out())) {
                for (Variable v : node.inputs()) {
                    addFree(v, dependent, seen, free);
                }
            }
        }
        for (Variable v : roots) {
            addFree(v, dependent, seen, free);
        }
        Map<Variable, Variable> replace = new IdentityHashMap<>();
        for (Variable v : free) {
            if (!v.isTensor()) {
                throw new IllegalArgumentException("Scan: the step reads " + v + " of type " + v.type()
                        + "; only tensors can be non-sequences");
            }
            Variable p = v.tensorType().make(v.name());
            replace.put(v, p);
            parts.nonSeqs.add(new ScanParts.Pair(v, p));
        }
        for (Apply node : nodes) {
            if (!dependent.contains(node.out())) {
                continue;
            }
            List<Variable> ins = new ArrayList<>();
            boolean same = true;
            for (Variable v : node.inputs()) {
                Variable r = replace.getOrDefault(v, v);
                same &= r == v;
                ins.add(r);
            }
            if (!same) {
                Apply copy = node.op().makeNode(ins);
                for (int j = 0; j < node.outputs().size(); j++) {
                    replace.put(node.output(j), copy.output(j));
                }
            }
        }
        for (int k = 0, st = 0; k < outs.size(); k++) {
            Variable o = replace.getOrDefault(outs.get(k), outs.get(k));
            Scan.OutputInfo oi = outputsInfo.get(k);
            if (oi.feedback()) {
                boolean single = oi.taps.length == 1 && oi.taps[0] == -1;
                int m = -Arrays.stream(oi.taps).min().getAsInt();
                parts.states.add(new ScanParts.StatePart(new ScanSpec.State(oi.taps, m, single), oi.init,
                        stateInner.get(st++), o));
            } else {
                parts.stacks.add(o);
            }
        }
        if (until != null) {
            parts.until = replace.getOrDefault(until, until);
        }
        List<Variable> built = parts.build();
        List<Variable> user = new ArrayList<>();
        int st = 0;
        int nst = 0;
        for (Scan.OutputInfo oi : outputsInfo) {
            user.add(oi.feedback() ? built.get(st++) : built.get(parts.states.size() + nst++));
        }
        return new ScanResult(user, built.get(built.size() - 1));
    }

    private static void addFree(Variable v, Set<Variable> dependent, Set<Variable> seen, List<Variable> out) {
        if (v == null || dependent.contains(v) || v instanceof Constant || !seen.add(v)) {
            return;
        }
        out.add(v);
    }

    private static void distinct(String what, int[] taps) {
        if (taps.length == 0) {
            throw new IllegalArgumentException("Scan: " + what + " has no taps");
        }
        if (Arrays.stream(taps).distinct().count() != taps.length) {
            throw new IllegalArgumentException("Scan: " + what + " has repeated taps " + Arrays.toString(taps));
        }
    }

    private static String name(Variable v, String suffix) {
        return v.name() == null ? null : v.name() + suffix;
    }

    /** The outputs of a scan and the number of steps it ran. */
    public static final class ScanResult {
        private final List<Variable> outputs;
        private final Variable stepsRun;

        ScanResult(List<Variable> outputs, Variable stepsRun) {
            this.outputs = List.copyOf(outputs);
            this.stepsRun = stepsRun;
        }

        public List<Variable> outputs() { return outputs; }

        /** An int64 scalar: the steps run (fewer than N when until stopped the loop). */
        public Variable stepsRun() { return stepsRun; }
    }
}
