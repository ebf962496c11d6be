package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NullGradients;
import org.gradaudit.core.NullType;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * The L-op and R-op of {@link Scan}, each built as another scan from the symbolic step graph.
 *
 * <p><b>L-op</b> (backpropagation through time). The steps are visited in the opposite order over
 * the same logical axis. The backward step receives the forward step's inputs (sequences as they
 * were read; states through SREAD, which reads the init and the stacked outputs where the forward
 * step read its buffer), the cotangents of its outputs (stacked-output cotangents read at row t;
 * accumulator cotangents read where they were added), and computes
 * {@code Gradient.lop(stepOutputs, stepInputs, cotangents)}. The cotangent of a state's output is
 * {@code ā = G_t + Σ_τ a_τ}, where {@code a_τ} is a state of the backward scan with the single tap
 * τ carrying the L-op term {@code c_τ} of the step that read this value at tap τ (that step ran
 * |τ| iterations earlier in the backward order). Terms of sequence inputs are accumulated at the
 * rows they were read from (ACCUM), of non-sequences summed (SUMACC), of states' taps that fell
 * before the first step added to the init (SACCUM). {@code truncateGradient(k)} restricts the
 * backward scan to the last k steps (Theano's truncated BPTT).
 *
 * <p><b>R-op</b>. The same scan with, next to each input that has a tangent, the tangent read the
 * same way, and next to each output its tangent: {@code Gradient.rop(stepOutputs, stepInputs,
 * tangents)}, states' tangents being states (init: the tangent of the init).
 */
final class ScanCalculus {
    private ScanCalculus() {}

    private static final GradOptions INNER_LOP = GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE)
            .returnDisconnected(ReturnDisconnected.DISCONNECTED).nullGradients(NullGradients.RETURN).addNames(false)
            .build();

    private static final RopOptions INNER_ROP = RopOptions.builder().disconnectedOutputs(DisconnectedInputs.IGNORE)
            .returnDisconnected(ReturnDisconnected.ZERO).nullGradients(NullGradients.RETURN).fallbackToDoubleLop(true)
            .build();

    private static boolean isFloat(Variable v) {
        return v != null && v.isTensor() && v.dtype().isFloat();
    }

    private static boolean connected(Variable g) {
        return g != null && !DisconnectedType.is(g) && !NullType.is(g);
    }

    // ------------------------------------------------------------------------------------------
    // L-op

    static List<Variable> lop(Scan op, List<Variable> ins, List<Variable> outs, List<Variable> gs) {
        ScanSpec s = op.spec();
        ScanParts p = op.parts();
        ScanParts b = new ScanParts();
        b.order = s.order.flip();
        b.lastK = s.truncate >= 0 && s.order == ScanSpec.Order.FORWARD
                ? (s.lastK < 0 ? s.truncate : Math.min(s.truncate, s.lastK)) : s.lastK;
        b.nSteps = outs.get(s.stepsOut());
        b.name = "grad of " + s.name;

        // the forward step's inputs
        for (int r = 0; r < s.reads.length; r++) {
            b.reads.add(new ScanParts.ReadPart(s.reads[r].nonDefining(), ins.get(s.readIn(r)), p.reads.get(r).inner));
        }
        for (int r = 0; r < s.sreads.length; r++) {
            b.sreads.add(new ScanParts.SReadPart(s.sreads[r], ins.get(s.sreadIn(r)), ins.get(s.sreadIn(r) + 1),
                    p.sreads.get(r).inner));
        }
        for (int k = 0; k < s.states.length; k++) {
            ScanSpec.State st = s.states[k];
            b.sreads.add(new ScanParts.SReadPart(new ScanSpec.SRead(st.taps, st.m, st.single, s.order, s.lastK),
                    ins.get(s.stateIn(k)), outs.get(s.stateOut(k)), p.states.get(k).inner));
        }
        for (int i = 0; i < s.nNonSeq; i++) {
            b.nonSeqs.add(new ScanParts.Pair(ins.get(s.nonSeqIn(i)), p.nonSeqs.get(i).inner));
        }

        // cotangents of the step's outputs, keyed by inner output position
        List<Variable> innerIn = p.innerInputs();
        List<Variable> innerOut = p.innerOutputs();
        Variable[] cot = new Variable[innerOut.size()];
        for (int k = 0; k < s.states.length; k++) {
            Variable g = gs.get(s.stateOut(k));
            if (connected(g) && isFloat(p.states.get(k).out)) {
                cot[s.innerStateOut(k)] = readRows(b, g);
            }
        }
        for (int i = 0; i < s.nStack; i++) {
            Variable g = gs.get(s.stackOut(i));
            if (connected(g) && isFloat(p.stacks.get(i))) {
                cot[s.innerStackOut(i)] = readRows(b, g);
            }
        }
        for (int a = 0; a < s.accums.length; a++) {
            Variable g = gs.get(s.accumOut(a));
            if (connected(g) && isFloat(g)) {
                List<Variable> ph = new ArrayList<>();
                for (int k = 0; k < s.accums[a].taps.length; k++) {
                    ph.add(ScanParts.rowType(g.tensorType()).make());
                    cot[s.innerAccumOut(a) + k] = ph.get(k);
                }
                b.reads.add(new ScanParts.ReadPart(s.accums[a].nonDefining(), g, ph));
            }
        }
        for (int a = 0; a < s.saccums.length; a++) {
            Variable gi = gs.get(s.saccumOut(a));
            Variable gy = gs.get(s.saccumOut(a) + 1);
            if ((connected(gi) || connected(gy)) && isFloat(outs.get(s.saccumOut(a)))) {
                Variable likeI = ins.get(s.saccumLikeIn(a));
                Variable likeY = ins.get(s.saccumLikeIn(a) + 1);
                Variable ci = connected(gi) ? gi : T.zerosLike(likeI);
                Variable cy = connected(gy) ? gy : T.zerosLike(likeY);
                ScanSpec.SRead rule = s.saccums[a];
                List<Variable> ph = new ArrayList<>();
                for (int k = 0; k < rule.taps.length; k++) {
                    ph.add(TensorType.of(cy.dtype(), cy.ndim() - 1).make());
                    cot[s.innerSAccumOut(a) + k] = ph.get(k);
                }
                b.sreads.add(new ScanParts.SReadPart(rule, ci, cy, ph));
            }
        }
        for (int a = 0; a < s.nSumAcc; a++) {
            Variable g = gs.get(s.sumAccOut(a));
            if (connected(g) && isFloat(g)) {
                Variable ph = g.tensorType().make();
                b.nonSeqs.add(new ScanParts.Pair(g, ph));
                cot[s.innerSumAccOut(a)] = ph;
            }
        }

        // which state taps carry an adjoint: to a fixpoint over the step's connectivity
        BitSet[] deps = ScanParts.innerDeps(innerIn, innerOut);
        boolean[] live = new boolean[innerOut.size()];
        for (int o = 0; o < live.length; o++) {
            live[o] = cot[o] != null;
        }
        boolean[][] tapLive = new boolean[s.states.length][];
        for (int k = 0; k < s.states.length; k++) {
            tapLive[k] = new boolean[s.states[k].taps.length];
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = 0; k < s.states.length; k++) {
                if (!isFloat(p.states.get(k).out)) {
                    continue;
                }
                for (int j = 0; j < s.states[k].taps.length; j++) {
                    if (tapLive[k][j]) {
                        continue;
                    }
                    int idx = s.innerState(k) + j;
                    for (int o = 0; o < live.length; o++) {
                        if (live[o] && deps[o].get(idx)) {
                            tapLive[k][j] = true;
                            live[s.innerStateOut(k)] = true;
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        // adjoint carriers a_{k,τ}: states of the backward scan with the single tap τ
        Variable[][] carrier = new Variable[s.states.length][];
        for (int k = 0; k < s.states.length; k++) {
            carrier[k] = new Variable[s.states[k].taps.length];
            Variable sum = cot[s.innerStateOut(k)];
            for (int j = 0; j < s.states[k].taps.length; j++) {
                if (tapLive[k][j]) {
                    carrier[k][j] = p.states.get(k).inner.get(j).tensorType().make("adjoint carry");
                    sum = sum == null ? carrier[k][j] : T.add(sum, carrier[k][j]);
                }
            }
            cot[s.innerStateOut(k)] = sum;
        }

        // the step's L-op
        List<Variable> f = new ArrayList<>();
        List<Variable> ev = new ArrayList<>();
        Map<Variable, Integer> at = new IdentityHashMap<>();
        for (int o = 0; o < innerOut.size(); o++) {
            if (cot[o] == null || !isFloat(innerOut.get(o))) {
                continue;
            }
            Integer i = at.get(innerOut.get(o));
            if (i == null) {
                at.put(innerOut.get(o), f.size());
                f.add(innerOut.get(o));
                ev.add(cot[o]);
            } else {
                ev.set(i, T.add(ev.get(i), cot[o]));
            }
        }
        List<Variable> wrt = new ArrayList<>();
        for (Variable v : innerIn) {
            if (isFloat(v)) {
                wrt.add(v);
            }
        }
        Map<Variable, Variable> term = new IdentityHashMap<>();
        if (!f.isEmpty() && !wrt.isEmpty()) {
            // Σ_i <f_i, ev_i> rather than Gradient.lop(f, wrt, ev): lop's seeds are known_grads, which
            // replace (not add to) the gradient of a seeded variable, and a state's output is often an
            // ancestor of another step output (y = g(h)); the cost sums every path.
            Variable cost = null;
            for (int i = 0; i < f.size(); i++) {
                Variable inner = T.sum(T.mul(f.get(i), ev.get(i)));
                cost = cost == null ? inner : T.add(cost, inner);
            }
            List<Variable> r = Gradient.grad(cost, wrt, INNER_LOP);
            for (int i = 0; i < wrt.size(); i++) {
                term.put(wrt.get(i), r.get(i));
            }
        }

        // outputs of the backward scan, and the outer term of each input
        Variable[] result = new Variable[ins.size()];
        List<Runnable> after = new ArrayList<>();
        List<Variable>[] built = new List[1];
        for (int r = 0; r < s.reads.length; r++) {
            List<Variable> taps = p.reads.get(r).inner;
            List<Variable> c = terms(taps, term);
            int idx = s.readIn(r);
            Variable nul = firstNull(taps, term);
            if (nul != null) {
                result[idx] = nul;
            } else if (c != null) {
                int pos = b.accums.size();
                b.accums.add(new ScanParts.AccumPart(s.reads[r].nonDefining(), ins.get(idx), c));
                after.add(() -> result[idx] = built[0].get(accumOutPos(b, pos)));
            }
        }
        for (int r = 0; r < s.sreads.length; r++) {
            List<Variable> taps = p.sreads.get(r).inner;
            List<Variable> c = terms(taps, term);
            int idx = s.sreadIn(r);
            Variable nul = firstNull(taps, term);
            if (nul != null) {
                result[idx] = nul;
                result[idx + 1] = nul;
            } else if (c != null) {
                int pos = b.saccums.size();
                b.saccums.add(new ScanParts.SAccumPart(s.sreads[r], ins.get(idx), ins.get(idx + 1), c));
                after.add(() -> {
                    result[idx] = built[0].get(saccumOutPos(b, pos));
                    result[idx + 1] = built[0].get(saccumOutPos(b, pos) + 1);
                });
            }
        }
        for (int k = 0; k < s.states.length; k++) {
            ScanSpec.State st = s.states[k];
            List<Variable> taps = p.states.get(k).inner;
            int idx = s.stateIn(k);
            Variable nul = firstNull(taps, term);
            if (nul != null) {
                result[idx] = nul;
                continue;
            }
            List<Integer> liveTaps = new ArrayList<>();
            List<Variable> c = new ArrayList<>();
            for (int j = 0; j < st.taps.length; j++) {
                if (!tapLive[k][j]) {
                    continue;
                }
                Variable cj = term.get(taps.get(j));
                if (!connected(cj)) {
                    cj = T.zerosLike(taps.get(j));
                }
                liveTaps.add(st.taps[j]);
                c.add(cj);
                Variable init = T.zerosLike(ins.get(idx));
                b.states.add(new ScanParts.StatePart(new ScanSpec.State(new int[] {st.taps[j]}, st.m, st.single), init,
                        List.of(carrier[k][j]), cj));
            }
            if (!liveTaps.isEmpty()) {
                int[] lt = liveTaps.stream().mapToInt(Integer::intValue).toArray();
                int pos = b.saccums.size();
                b.saccums.add(new ScanParts.SAccumPart(new ScanSpec.SRead(lt, st.m, st.single, s.order, s.lastK),
                        ins.get(idx), outs.get(s.stateOut(k)), c));
                after.add(() -> result[idx] = built[0].get(saccumOutPos(b, pos)));
            }
        }
        for (int i = 0; i < s.nNonSeq; i++) {
            Variable v = p.nonSeqs.get(i).inner;
            Variable c = term.get(v);
            int idx = s.nonSeqIn(i);
            if (NullType.is(c)) {
                result[idx] = c;
            } else if (connected(c)) {
                int pos = b.sumAccs.size();
                b.sumAccs.add(new ScanParts.Pair(ins.get(idx), c));
                after.add(() -> result[idx] = built[0].get(sumAccOutPos(b, pos)));
            }
        }
        if (!after.isEmpty()) {
            built[0] = b.build();
            after.forEach(Runnable::run);
        }
        return reconcile(s, ins, gs, result);
    }

    /** A READ of the stacked cotangent g at row t; returns the step's placeholder. */
    private static Variable readRows(ScanParts b, Variable g) {
        Variable ph = ScanParts.rowType(g.tensorType()).make();
        b.reads.add(new ScanParts.ReadPart(ScanSpec.Read.identity(), g, List.of(ph)));
        return ph;
    }

    /** Terms for the taps (zeros for a disconnected tap when another is connected); null if none is. */
    private static List<Variable> terms(List<Variable> taps, Map<Variable, Variable> term) {
        boolean any = false;
        for (Variable v : taps) {
            any |= connected(term.get(v));
        }
        if (!any) {
            return null;
        }
        List<Variable> c = new ArrayList<>();
        for (Variable v : taps) {
            Variable t = term.get(v);
            c.add(connected(t) ? t : T.zerosLike(v));
        }
        return c;
    }

    private static Variable firstNull(List<Variable> taps, Map<Variable, Variable> term) {
        for (Variable v : taps) {
            if (NullType.is(term.get(v))) {
                return term.get(v);
            }
        }
        return null;
    }

    private static int accumOutPos(ScanParts b, int a) {
        return b.states.size() + b.stacks.size() + a;
    }

    private static int saccumOutPos(ScanParts b, int a) {
        return accumOutPos(b, b.accums.size()) + 2 * a;
    }

    private static int sumAccOutPos(ScanParts b, int a) {
        return saccumOutPos(b, b.saccums.size()) + a;
    }

    /**
     * Makes each term agree with the connection pattern, as the gradient driver requires: zeros
     * for a connected input without a term (or an integer input), DisconnectedType otherwise.
     */
    private static List<Variable> reconcile(ScanSpec s, List<Variable> ins, List<Variable> gs, Variable[] result) {
        List<Variable> r = new ArrayList<>(ins.size());
        for (int i = 0; i < ins.size(); i++) {
            boolean conn = false;
            for (int j = 0; j < gs.size(); j++) {
                conn |= s.pattern[i][j] && !DisconnectedType.is(gs.get(j));
            }
            Variable t = result[i];
            Variable in = ins.get(i);
            if (!conn) {
                r.add(DisconnectedType.create());
            } else if (!in.dtype().isFloat()) {
                r.add(T.zerosLike(in, DType.FLOATX));
            } else if (t == null) {
                r.add(T.zerosLike(in));
            } else {
                r.add(t);
            }
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------
    // R-op

    static List<Variable> rop(Scan op, List<Variable> ins, List<Variable> outs, List<Variable> tangents) {
        ScanSpec s = op.spec();
        ScanParts p = op.parts();
        ScanParts b = new ScanParts();
        b.order = s.order;
        b.lastK = s.lastK;
        b.truncate = s.truncate;
        b.nSteps = s.hasNSteps ? ins.get(0) : null;
        b.until = p.until;
        b.name = "rop of " + s.name;
        for (int r = 0; r < s.reads.length; r++) {
            b.reads.add(new ScanParts.ReadPart(s.reads[r], ins.get(s.readIn(r)), p.reads.get(r).inner));
        }
        for (int r = 0; r < s.sreads.length; r++) {
            b.sreads.add(new ScanParts.SReadPart(s.sreads[r], ins.get(s.sreadIn(r)), ins.get(s.sreadIn(r) + 1),
                    p.sreads.get(r).inner));
        }
        for (int i = 0; i < s.nNonSeq; i++) {
            b.nonSeqs.add(new ScanParts.Pair(ins.get(s.nonSeqIn(i)), p.nonSeqs.get(i).inner));
        }
        Map<Variable, Variable> tangentOf = new LinkedHashMap<>();   // inner input -> its tangent placeholder
        for (int r = 0; r < s.reads.length; r++) {
            Variable tx = tangents.get(s.readIn(r));
            if (connected(tx) && isFloat(ins.get(s.readIn(r)))) {
                List<Variable> ph = placeholdersLike(p.reads.get(r).inner, tangentOf);
                b.reads.add(new ScanParts.ReadPart(s.reads[r].nonDefining(), tx, ph));
            }
        }
        for (int r = 0; r < s.sreads.length; r++) {
            Variable ti = tangents.get(s.sreadIn(r));
            Variable ty = tangents.get(s.sreadIn(r) + 1);
            if ((connected(ti) || connected(ty)) && isFloat(ins.get(s.sreadIn(r)))) {
                List<Variable> ph = placeholdersLike(p.sreads.get(r).inner, tangentOf);
                b.sreads.add(new ScanParts.SReadPart(s.sreads[r], connected(ti) ? ti : T.zerosLike(ins.get(s.sreadIn(r))),
                        connected(ty) ? ty : T.zerosLike(ins.get(s.sreadIn(r) + 1)), ph));
            }
        }
        for (int i = 0; i < s.nNonSeq; i++) {
            Variable tw = tangents.get(s.nonSeqIn(i));
            if (connected(tw) && isFloat(ins.get(s.nonSeqIn(i)))) {
                List<Variable> ph = placeholdersLike(List.of(p.nonSeqs.get(i).inner), tangentOf);
                b.nonSeqs.add(new ScanParts.Pair(tw, ph.get(0)));
            }
        }
        // states with a tangent: those whose output is connected to an input with a tangent
        List<Variable> innerIn = p.innerInputs();
        List<Variable> innerOut = p.innerOutputs();
        BitSet[] deps = ScanParts.innerDeps(innerIn, innerOut);
        boolean[] stateLive = new boolean[s.states.length];
        for (int k = 0; k < s.states.length; k++) {
            stateLive[k] = isFloat(p.states.get(k).out) && connected(tangents.get(s.stateIn(k)));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = 0; k < s.states.length; k++) {
                if (!stateLive[k] && isFloat(p.states.get(k).out)
                        && reaches(deps[s.innerStateOut(k)], s, p, innerIn, tangentOf, stateLive)) {
                    stateLive[k] = true;
                    changed = true;
                }
            }
        }
        for (int k = 0; k < s.states.length; k++) {
            if (stateLive[k]) {
                placeholdersLike(p.states.get(k).inner, tangentOf);
            }
        }
        // the step's R-op, for every output with a tangent
        List<Variable> f = new ArrayList<>();
        boolean[] want = new boolean[innerOut.size()];
        for (int o = 0; o < innerOut.size(); o++) {
            boolean isState = o < s.states.length;
            boolean isUntil = s.hasUntil && o == s.innerUntil();
            want[o] = isFloat(innerOut.get(o)) && !isUntil
                    && (isState ? stateLive[o] : reaches(deps[o], s, p, innerIn, tangentOf, stateLive));
            if (want[o]) {
                f.add(innerOut.get(o));
            }
        }
        List<Variable> wrt = new ArrayList<>(tangentOf.keySet());
        List<Variable> ev = new ArrayList<>(tangentOf.values());
        List<Variable> jt = f.isEmpty() ? List.of() : Gradient.rop(f, wrt, ev, INNER_ROP);
        Variable[] tan = new Variable[innerOut.size()];
        for (int o = 0, i = 0; o < innerOut.size(); o++) {
            if (want[o]) {
                tan[o] = jt.get(i++);
                if (NullType.is(tan[o])) {
                    List<Variable> r = new ArrayList<>();
                    for (int j = 0; j < outs.size(); j++) {
                        r.add(tan[o]);
                    }
                    return r;
                }
            }
        }
        // tangent outputs
        List<int[]> pending = new ArrayList<>();                 // {original output, kind, index in b's kind}
        for (int k = 0; k < s.states.length; k++) {
            ScanParts.StatePart sp = p.states.get(k);
            b.states.add(new ScanParts.StatePart(s.states[k], ins.get(s.stateIn(k)), sp.inner, sp.out));
        }
        for (int k = 0; k < s.states.length; k++) {
            if (stateLive[k]) {
                ScanParts.StatePart sp = p.states.get(k);
                Variable ti = tangents.get(s.stateIn(k));
                List<Variable> ph = new ArrayList<>();
                for (Variable v : sp.inner) {
                    ph.add(tangentOf.get(v));
                }
                pending.add(new int[] {s.stateOut(k), 0, b.states.size()});
                b.states.add(new ScanParts.StatePart(s.states[k], connected(ti) ? ti : T.zerosLike(ins.get(s.stateIn(k))),
                        ph, tan[s.innerStateOut(k)]));
            }
        }
        b.stacks.addAll(p.stacks);
        for (int i = 0; i < s.nStack; i++) {
            if (want[s.innerStackOut(i)]) {
                pending.add(new int[] {s.stackOut(i), 1, b.stacks.size()});
                b.stacks.add(tan[s.innerStackOut(i)]);
            }
        }
        for (int a = 0; a < s.accums.length; a++) {
            b.accums.add(new ScanParts.AccumPart(s.accums[a], ins.get(s.accumLikeIn(a)), p.accums.get(a).outs));
        }
        for (int a = 0; a < s.accums.length; a++) {
            List<Variable> c = new ArrayList<>();
            boolean any = false;
            for (int k = 0; k < s.accums[a].taps.length; k++) {
                int o = s.innerAccumOut(a) + k;
                any |= want[o];
                c.add(want[o] ? tan[o] : T.zerosLike(innerOut.get(o)));
            }
            if (any) {
                pending.add(new int[] {s.accumOut(a), 2, b.accums.size()});
                b.accums.add(new ScanParts.AccumPart(s.accums[a], ins.get(s.accumLikeIn(a)), c));
            }
        }
        for (int a = 0; a < s.saccums.length; a++) {
            b.saccums.add(new ScanParts.SAccumPart(s.saccums[a], ins.get(s.saccumLikeIn(a)),
                    ins.get(s.saccumLikeIn(a) + 1), p.saccums.get(a).outs));
        }
        for (int a = 0; a < s.saccums.length; a++) {
            List<Variable> c = new ArrayList<>();
            boolean any = false;
            for (int k = 0; k < s.saccums[a].taps.length; k++) {
                int o = s.innerSAccumOut(a) + k;
                any |= want[o];
                c.add(want[o] ? tan[o] : T.zerosLike(innerOut.get(o)));
            }
            if (any) {
                pending.add(new int[] {s.saccumOut(a), 3, b.saccums.size()});
                b.saccums.add(new ScanParts.SAccumPart(s.saccums[a], ins.get(s.saccumLikeIn(a)),
                        ins.get(s.saccumLikeIn(a) + 1), c));
            }
        }
        for (int a = 0; a < s.nSumAcc; a++) {
            b.sumAccs.add(new ScanParts.Pair(ins.get(s.sumAccLikeIn(a)), p.sumAccs.get(a).inner));
        }
        for (int a = 0; a < s.nSumAcc; a++) {
            int o = s.innerSumAccOut(a);
            if (want[o]) {
                pending.add(new int[] {s.sumAccOut(a), 4, b.sumAccs.size()});
                b.sumAccs.add(new ScanParts.Pair(ins.get(s.sumAccLikeIn(a)), tan[o]));
            }
        }
        List<Variable> result = new ArrayList<>();
        for (int j = 0; j < outs.size(); j++) {
            result.add(DisconnectedType.create());
        }
        if (pending.isEmpty()) {
            return result;
        }
        List<Variable> built = b.build();
        for (int[] pd : pending) {
            int pos;
            switch (pd[1]) {
                case 0: pos = pd[2]; break;
                case 1: pos = b.states.size() + pd[2]; break;
                case 2: pos = accumOutPos(b, pd[2]); break;
                case 3: pos = saccumOutPos(b, pd[2]); break;
                default: pos = sumAccOutPos(b, pd[2]); break;
            }
            result.set(pd[0], built.get(pos));
            if (pd[1] == 3) {
                result.set(pd[0] + 1, built.get(pos + 1));
            }
        }
        return result;
    }

    private static List<Variable> placeholdersLike(List<Variable> inner, Map<Variable, Variable> tangentOf) {
        List<Variable> ph = new ArrayList<>();
        for (Variable v : inner) {
            Variable t = v.tensorType().make(v.name() == null ? null : "tangent of " + v.name());
            tangentOf.put(v, t);
            ph.add(t);
        }
        return ph;
    }

    /** True when an inner output with these dependencies sees a tangent (live states included). */
    private static boolean reaches(BitSet dep, ScanSpec s, ScanParts p, List<Variable> innerIn,
            Map<Variable, Variable> tangentOf, boolean[] stateLive) {
        for (int i = dep.nextSetBit(0); i >= 0; i = dep.nextSetBit(i + 1)) {
            if (tangentOf.containsKey(innerIn.get(i))) {
                return true;
            }
            for (int k = 0; k < s.states.length; k++) {
                if (stateLive[k] && i >= s.innerState(k) && i < s.innerState(k) + s.states[k].taps.length) {
                    return true;
                }
            }
        }
        return false;
    }
}
