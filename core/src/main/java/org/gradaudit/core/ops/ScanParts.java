package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Compiler;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.graph.Graphs;

/**
 * A scan under construction: each kind of {@link ScanSpec} with its outer variables and its inner
 * (symbolic) variables. The user builder, the L-op and the R-op all assemble one and call
 * {@link #build}, which compiles the inner graph, computes the connection pattern and applies the
 * {@link Scan} op. Kept (transient) by the op: its gradient and R-op are built from it.
 */
final class ScanParts {
    static final class ReadPart {
        final ScanSpec.Read rule;
        final Variable outer;
        final List<Variable> inner;

        ReadPart(ScanSpec.Read rule, Variable outer, List<Variable> inner) {
            this.rule = rule;
            this.outer = outer;
            this.inner = inner;
        }
    }

    static final class SReadPart {
        final ScanSpec.SRead rule;
        final Variable init;
        final Variable stacked;
        final List<Variable> inner;

        SReadPart(ScanSpec.SRead rule, Variable init, Variable stacked, List<Variable> inner) {
            this.rule = rule;
            this.init = init;
            this.stacked = stacked;
            this.inner = inner;
        }
    }

    static final class StatePart {
        final ScanSpec.State rule;
        final Variable init;
        final List<Variable> inner;
        final Variable out;

        StatePart(ScanSpec.State rule, Variable init, List<Variable> inner, Variable out) {
            this.rule = rule;
            this.init = init;
            this.inner = inner;
            this.out = out;
        }
    }

    static final class Pair {
        final Variable outer;
        final Variable inner;

        Pair(Variable outer, Variable inner) {
            this.outer = outer;
            this.inner = inner;
        }
    }

    static final class AccumPart {
        final ScanSpec.Read rule;
        final Variable like;
        final List<Variable> outs;

        AccumPart(ScanSpec.Read rule, Variable like, List<Variable> outs) {
            this.rule = rule;
            this.like = like;
            this.outs = outs;
        }
    }

    static final class SAccumPart {
        final ScanSpec.SRead rule;
        final Variable likeInit;
        final Variable likeStacked;
        final List<Variable> outs;

        SAccumPart(ScanSpec.SRead rule, Variable likeInit, Variable likeStacked, List<Variable> outs) {
            this.rule = rule;
            this.likeInit = likeInit;
            this.likeStacked = likeStacked;
            this.outs = outs;
        }
    }

    ScanSpec.Order order = ScanSpec.Order.FORWARD;
    int lastK = -1;
    int truncate = -1;
    Variable nSteps;
    Variable until;
    String name = "scan";
    final List<ReadPart> reads = new ArrayList<>();
    final List<SReadPart> sreads = new ArrayList<>();
    final List<StatePart> states = new ArrayList<>();
    final List<Pair> nonSeqs = new ArrayList<>();
    final List<Variable> stacks = new ArrayList<>();
    final List<AccumPart> accums = new ArrayList<>();
    final List<SAccumPart> saccums = new ArrayList<>();
    final List<Pair> sumAccs = new ArrayList<>();

    List<Variable> innerInputs() {
        List<Variable> r = new ArrayList<>();
        reads.forEach(p -> r.addAll(p.inner));
        sreads.forEach(p -> r.addAll(p.inner));
        states.forEach(p -> r.addAll(p.inner));
        nonSeqs.forEach(p -> r.add(p.inner));
        return r;
    }

    List<Variable> innerOutputs() {
        List<Variable> r = new ArrayList<>();
        states.forEach(p -> r.add(p.out));
        r.addAll(stacks);
        accums.forEach(p -> r.addAll(p.outs));
        saccums.forEach(p -> r.addAll(p.outs));
        sumAccs.forEach(p -> r.add(p.inner));
        if (until != null) {
            r.add(until);
        }
        return r;
    }

    List<Variable> outerInputs() {
        List<Variable> r = new ArrayList<>();
        if (nSteps != null) {
            r.add(nSteps);
        }
        reads.forEach(p -> r.add(p.outer));
        sreads.forEach(p -> {
            r.add(p.init);
            r.add(p.stacked);
        });
        states.forEach(p -> r.add(p.init));
        nonSeqs.forEach(p -> r.add(p.outer));
        accums.forEach(p -> r.add(p.like));
        saccums.forEach(p -> {
            r.add(p.likeInit);
            r.add(p.likeStacked);
        });
        sumAccs.forEach(p -> r.add(p.outer));
        return r;
    }

    /** Compiles the inner graph and applies a new {@link Scan} op to the outer inputs; returns its outputs. */
    List<Variable> build() {
        List<Variable> innerIn = innerInputs();
        List<Variable> innerOut = innerOutputs();
        Program program = Compiler.compile(innerIn, innerOut);
        List<Variable> outerIn = outerInputs();
        TensorType[] inTypes = new TensorType[outerIn.size()];
        for (int i = 0; i < inTypes.length; i++) {
            inTypes[i] = outerIn.get(i).tensorType();
        }
        List<TensorType> outTypes = new ArrayList<>();
        for (StatePart p : states) {
            outTypes.add(TensorType.of(p.init.dtype(), p.out.ndim() + 1));
        }
        for (Variable v : stacks) {
            outTypes.add(stackedType(v.tensorType()));
        }
        for (AccumPart p : accums) {
            outTypes.add(p.like.tensorType());
        }
        for (SAccumPart p : saccums) {
            outTypes.add(p.likeInit.tensorType());
            outTypes.add(p.likeStacked.tensorType());
        }
        for (Pair p : sumAccs) {
            outTypes.add(p.outer.tensorType());
        }
        outTypes.add(TensorType.of(DType.INT64, 0));
        ScanSpec spec = new ScanSpec(order, lastK, truncate, nSteps != null, until != null,
                reads.stream().map(p -> p.rule).toArray(ScanSpec.Read[]::new),
                sreads.stream().map(p -> p.rule).toArray(ScanSpec.SRead[]::new),
                states.stream().map(p -> p.rule).toArray(ScanSpec.State[]::new),
                nonSeqs.size(), stacks.size(),
                accums.stream().map(p -> p.rule).toArray(ScanSpec.Read[]::new),
                saccums.stream().map(p -> p.rule).toArray(ScanSpec.SRead[]::new),
                sumAccs.size(), program, inTypes, outTypes.toArray(new TensorType[0]), null, name);
        boolean[][] pattern = connectionPattern(spec, innerIn, innerOut);
        spec = new ScanSpec(spec.order, spec.lastK, spec.truncate, spec.hasNSteps, spec.hasUntil, spec.reads, spec.sreads,
                spec.states, spec.nNonSeq, spec.nStack, spec.accums, spec.saccums, spec.nSumAcc, program, inTypes,
                spec.outTypes, pattern, name);
        Scan op = new Scan(spec, this);
        return op.makeNode(outerIn).outputs();
    }

    static TensorType stackedType(TensorType row) {
        boolean[] b = new boolean[row.ndim() + 1];
        System.arraycopy(row.broadcastable(), 0, b, 1, row.ndim());
        return new TensorType(row.dtype(), b);
    }

    /** Row type of an array type: the leading axis dropped, no axis broadcastable. */
    static TensorType rowType(TensorType t) {
        return TensorType.of(t.dtype(), t.ndim() - 1);
    }

    /**
     * {@code deps[o]}: the inner inputs inner output o depends on, following each node's
     * connection pattern (as the gradient's connectivity pass does).
     */
    static BitSet[] innerDeps(List<Variable> innerIn, List<Variable> innerOut) {
        Map<Variable, BitSet> dep = new IdentityHashMap<>();
        for (int i = 0; i < innerIn.size(); i++) {
            dep.computeIfAbsent(innerIn.get(i), k -> new BitSet()).set(i);
        }
        for (Apply node : Graphs.toposort(innerOut)) {
            boolean[][] cp = node.op().connectionPattern(node);
            for (int j = 0; j < node.outputs().size(); j++) {
                Variable o = node.output(j);
                if (dep.containsKey(o)) {
                    continue;                  // an inner input computed by a node: a leaf here
                }
                BitSet b = new BitSet();
                for (int i = 0; i < node.inputs().size(); i++) {
                    if (cp == null || cp[i][j]) {
                        BitSet d = dep.get(node.input(i));
                        if (d != null) {
                            b.or(d);
                        }
                    }
                }
                dep.put(o, b);
            }
        }
        BitSet[] r = new BitSet[innerOut.size()];
        for (int o = 0; o < r.length; o++) {
            BitSet d = dep.get(innerOut.get(o));
            r[o] = d == null ? new BitSet() : (BitSet) d.clone();
        }
        return r;
    }

    /**
     * The outer connection pattern from the inner one: a state's output depends on its init and,
     * to a fixpoint, on whatever its inner output reads (other states included).
     */
    static boolean[][] connectionPattern(ScanSpec s, List<Variable> innerIn, List<Variable> innerOut) {
        BitSet[] deps = innerDeps(innerIn, innerOut);
        int nIn = s.nInputs();
        // outer sources of each inner input; states resolved after the fixpoint
        BitSet[] src = new BitSet[innerIn.size()];
        int[] stateOfInner = new int[innerIn.size()];
        java.util.Arrays.fill(stateOfInner, -1);
        for (int r = 0; r < s.reads.length; r++) {
            for (int k = 0; k < s.reads[r].taps.length; k++) {
                src[s.innerRead(r) + k] = bits(s.readIn(r));
            }
        }
        for (int r = 0; r < s.sreads.length; r++) {
            for (int k = 0; k < s.sreads[r].taps.length; k++) {
                src[s.innerSRead(r) + k] = bits(s.sreadIn(r), s.sreadIn(r) + 1);
            }
        }
        for (int k = 0; k < s.states.length; k++) {
            for (int j = 0; j < s.states[k].taps.length; j++) {
                stateOfInner[s.innerState(k) + j] = k;
            }
        }
        for (int i = 0; i < s.nNonSeq; i++) {
            src[s.innerNonSeq(i)] = bits(s.nonSeqIn(i));
        }
        BitSet[] stateDeps = new BitSet[s.states.length];
        for (int k = 0; k < stateDeps.length; k++) {
            stateDeps[k] = bits(s.stateIn(k));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = 0; k < stateDeps.length; k++) {
                BitSet b = outerOf(deps[s.innerStateOut(k)], src, stateOfInner, stateDeps);
                b.or(stateDeps[k]);
                if (!b.equals(stateDeps[k])) {
                    stateDeps[k] = b;
                    changed = true;
                }
            }
        }
        boolean[][] cp = new boolean[nIn][s.nOutputs()];
        for (int k = 0; k < s.states.length; k++) {
            set(cp, stateDeps[k], s.stateOut(k));
        }
        for (int i = 0; i < s.nStack; i++) {
            set(cp, outerOf(deps[s.innerStackOut(i)], src, stateOfInner, stateDeps), s.stackOut(i));
        }
        for (int a = 0; a < s.accums.length; a++) {
            for (int k = 0; k < s.accums[a].taps.length; k++) {
                set(cp, outerOf(deps[s.innerAccumOut(a) + k], src, stateOfInner, stateDeps), s.accumOut(a));
            }
        }
        for (int a = 0; a < s.saccums.length; a++) {
            for (int k = 0; k < s.saccums[a].taps.length; k++) {
                BitSet b = outerOf(deps[s.innerSAccumOut(a) + k], src, stateOfInner, stateDeps);
                set(cp, b, s.saccumOut(a));
                set(cp, b, s.saccumOut(a) + 1);
            }
        }
        for (int a = 0; a < s.nSumAcc; a++) {
            set(cp, outerOf(deps[s.innerSumAccOut(a)], src, stateOfInner, stateDeps), s.sumAccOut(a));
        }
        return cp;
    }

    private static BitSet outerOf(BitSet innerSet, BitSet[] src, int[] stateOfInner, BitSet[] stateDeps) {
        BitSet b = new BitSet();
        for (int i = innerSet.nextSetBit(0); i >= 0; i = innerSet.nextSetBit(i + 1)) {
            b.or(stateOfInner[i] >= 0 ? stateDeps[stateOfInner[i]] : src[i]);
        }
        return b;
    }

    private static void set(boolean[][] cp, BitSet ins, int out) {
        for (int i = ins.nextSetBit(0); i >= 0; i = ins.nextSetBit(i + 1)) {
            cp[i][out] = true;
        }
    }

    private static BitSet bits(int... idx) {
        BitSet b = new BitSet();
        for (int i : idx) {
            b.set(i);
        }
        return b;
    }
}
