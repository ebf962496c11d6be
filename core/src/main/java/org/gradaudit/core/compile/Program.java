package org.gradaudit.core.compile;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.OpContractError;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Type;
import org.gradaudit.core.Variable;

/**
 * A compiled graph: a flat, single-assignment list of instructions over numbered slots, like a
 * jaxpr. Slots {@code 0..nInputs-1} hold the inputs; constants and shared variables have slots with
 * values attached; every instruction writes fresh slots. This is what is serialized to executors:
 * plain arrays and op objects, no pointer web, so any size serializes without deep recursion.
 *
 * <p>The program is type-checked when built and again when read back: each instruction's op is
 * asked to build a node from the slot types, and its output types must be the recorded ones.
 */
public final class Program implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One instruction: {@code out = op(in)}. */
    public static final class Instruction implements Serializable {
        private static final long serialVersionUID = 1L;
        final Op op;
        final int[] in;
        final int[] out;

        Instruction(Op op, int[] in, int[] out) {
            this.op = op;
            this.in = in;
            this.out = out;
        }

        public Op op() { return op; }
        public int[] inputs() { return in.clone(); }
        public int[] outputs() { return out.clone(); }

        @Override
        public String toString() {
            return Arrays.toString(out) + " = " + op + Arrays.toString(in);
        }
    }

    private final TensorType[] slotTypes;
    private final String[] slotNames;
    private final int nInputs;
    private final int[] constSlots;
    private final NDArray[] constValues;
    private final int[] sharedSlots;
    private final SharedVariable[] shared;
    private final Instruction[] code;
    private final int[] outputs;
    private transient volatile int[] lastUse;            // derived; rebuilt lazily after any deserialization

    Program(TensorType[] slotTypes, String[] slotNames, int nInputs, int[] constSlots, NDArray[] constValues,
            int[] sharedSlots, SharedVariable[] shared, Instruction[] code, int[] outputs) {
        this.slotTypes = slotTypes;
        this.slotNames = slotNames;
        this.nInputs = nInputs;
        this.constSlots = constSlots;
        this.constValues = constValues;
        this.sharedSlots = sharedSlots;
        this.shared = shared;
        this.code = code;
        this.outputs = outputs;
        typecheck();
    }

    public int nInputs() { return nInputs; }

    public int nOutputs() { return outputs.length; }

    public int nSlots() { return slotTypes.length; }

    public TensorType inputType(int i) { return slotTypes[i]; }

    public String inputName(int i) { return slotNames[i]; }

    public TensorType outputType(int k) { return slotTypes[outputs[k]]; }

    /** The instructions, in execution order. */
    public List<Instruction> instructions() { return List.of(code); }

    /** The ops of the instructions, in order (for inspection and tests). */
    public List<Op> ops() {
        List<Op> r = new ArrayList<>(code.length);
        for (Instruction ins : code) {
            r.add(ins.op);
        }
        return r;
    }

    private void typecheck() {
        boolean[] defined = new boolean[slotTypes.length];
        for (int i = 0; i < nInputs; i++) {
            defined[i] = true;
        }
        for (int i = 0; i < constSlots.length; i++) {
            check(slotTypes[constSlots[i]].mismatch(constValues[i]) == null, "constant slot " + constSlots[i]
                    + " holds a value that does not fit its type " + slotTypes[constSlots[i]]);
            defined[constSlots[i]] = true;
        }
        for (int i = 0; i < sharedSlots.length; i++) {
            check(shared[i].type().equals(slotTypes[sharedSlots[i]]), "shared slot " + sharedSlots[i] + " has type "
                    + slotTypes[sharedSlots[i]] + " but the shared variable is " + shared[i].type());
            defined[sharedSlots[i]] = true;
        }
        // constant slots are given to makeNode as constants: some output types depend on them
        // (e.g. a reshape to a constant shape marks its length-1 axes broadcastable)
        java.util.Map<Integer, Variable> constants = new java.util.HashMap<>();
        for (int i = 0; i < constSlots.length; i++) {
            constants.put(constSlots[i], new Constant(slotTypes[constSlots[i]], constValues[i], null));
        }
        for (int pc = 0; pc < code.length; pc++) {
            Instruction ins = code[pc];
            List<Variable> args = new ArrayList<>(ins.in.length);
            for (int s : ins.in) {
                check(s >= 0 && s < slotTypes.length && defined[s], "instruction " + pc + " (" + ins.op
                        + ") reads slot " + s + " before it is written");
                Variable c = constants.get(s);
                args.add(c != null ? c : slotTypes[s].make());
            }
            Apply node;
            try {
                node = ins.op.makeNode(args);
            } catch (RuntimeException e) {
                throw new IllegalStateException("program does not typecheck: instruction " + pc + " (" + ins.op
                        + ") rejects its input types: " + e.getMessage(), e);
            }
            check(node.outputs().size() == ins.out.length, "instruction " + pc + " (" + ins.op + ") makes "
                    + node.outputs().size() + " outputs but the program records " + ins.out.length);
            for (int k = 0; k < ins.out.length; k++) {
                int s = ins.out[k];
                check(s >= 0 && s < slotTypes.length && !defined[s], "instruction " + pc + " writes slot " + s
                        + " twice or out of range");
                Type t = node.output(k).type();
                check(t.equals(slotTypes[s]), "instruction " + pc + " (" + ins.op + ") output " + k + " has type "
                        + t + " but slot " + s + " is " + slotTypes[s]);
                defined[s] = true;
            }
        }
        for (int s : outputs) {
            check(s >= 0 && s < slotTypes.length && defined[s], "output slot " + s + " is never written");
        }
    }

    /**
     * The last instruction reading each slot. Transient fields survive neither Java serialization
     * without readObject nor Kryo (which bypasses readObject), so it is derived on first use.
     */
    private int[] lastUse() {
        int[] last = lastUse;
        if (last == null) {
            last = new int[slotTypes.length];
            java.util.Arrays.fill(last, -1);
            for (int pc = 0; pc < code.length; pc++) {
                for (int s : code[pc].in) {
                    last[s] = pc;
                }
            }
            for (int s : outputs) {
                last[s] = Integer.MAX_VALUE;
            }
            lastUse = last;
        }
        return last;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("program does not typecheck: " + message);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (slotTypes == null || code == null || outputs == null || constSlots == null || constValues == null
                || sharedSlots == null || shared == null || constSlots.length != constValues.length
                || sharedSlots.length != shared.length || nInputs < 0 || nInputs > slotTypes.length) {
            throw new java.io.InvalidObjectException("program is incomplete");
        }
        try {
            typecheck();
        } catch (RuntimeException e) {
            throw (java.io.InvalidObjectException) new java.io.InvalidObjectException(e.getMessage()).initCause(e);
        }
    }

    /**
     * Runs the program. Inputs must match the input types exactly (dtype, ndim, length 1 on
     * broadcastable axes); the message names the input.
     */
    public NDArray[] run(NDArray... inputs) {
        NDArray[] slots = initialSlots(inputs);
        execute(slots, true);
        return outputsOf(slots);
    }

    /**
     * Repeated runs of this program that reuse their arrays: every op that can write into a
     * buffer ({@link Op#performInto}: products, elementwise ops) writes into the array it produced
     * for the same slot in the previous run, so a warm runner allocates next to nothing. The
     * outputs of a run are valid until the next run of the same runner, which overwrites them.
     * One thread at a time; a program may have any number of runners.
     */
    public Runner runner() {
        return new Runner();
    }

    /** See {@link #runner()}. */
    public final class Runner {
        private final double[][] owned = new double[slotTypes.length][];   // arrays written by performInto last run

        private Runner() {}

        /** Runs the program (as {@link Program#run}); the outputs live until the next call. */
        public NDArray[] run(NDArray... inputs) {
            NDArray[] slots = initialSlots(inputs);
            // an argument may be an output of the previous run: its array is not ours to overwrite
            // so may a shared variable's value (w.setValue(runner.run(x)[0]) in a training loop)
            java.util.Set<double[]> given = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (NDArray in : inputs) {
                given.add(in.unsafeData());
            }
            for (int i = 0; i < sharedSlots.length; i++) {
                given.add(slots[sharedSlots[i]].unsafeData());
            }
            for (int s = 0; s < owned.length; s++) {
                if (owned[s] != null && given.contains(owned[s])) {
                    owned[s] = null;
                }
            }
            for (Instruction ins : code) {
                NDArray[] args = new NDArray[ins.in.length];
                for (int k = 0; k < ins.in.length; k++) {
                    args[k] = slots[ins.in[k]];
                }
                double[][] buffers = new double[ins.out.length][];
                for (int k = 0; k < ins.out.length; k++) {
                    buffers[k] = owned[ins.out[k]];
                }
                NDArray[] res = ins.op.performInto(args, buffers);
                boolean into = res != null;
                if (!into) {
                    res = ins.op.perform(args);
                }
                checkResults(ins, res, into ? "performInto" : "perform");
                for (int k = 0; k < res.length; k++) {
                    slots[ins.out[k]] = res[k];
                    owned[ins.out[k]] = into ? res[k].unsafeData() : null;
                }
            }
            return outputsOf(slots);
        }
    }

    /** The values of every slot after a run: the base of {@link #rerun}. */
    public static final class Snapshot {
        private final Program program;
        private final NDArray[] slots;

        private Snapshot(Program program, NDArray[] slots) {
            this.program = program;
            this.slots = slots;
        }

        /** The program's outputs in this run. */
        public NDArray[] outputs() {
            return program.outputsOf(slots);
        }

        /** The bytes of the values held (each array counted once). */
        public long bytes() {
            java.util.Set<double[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            long b = 0;
            for (NDArray v : slots) {
                if (v != null && seen.add(v.unsafeData())) {
                    b += 8L * v.size();
                }
            }
            return b;
        }
    }

    /** Runs the program and keeps every intermediate value, for partial re-evaluation. */
    public Snapshot evaluate(NDArray... inputs) {
        NDArray[] slots = initialSlots(inputs);
        execute(slots, false);
        return new Snapshot(this, slots);
    }

    /**
     * The outputs with input {@code input} replaced by {@code value} and every other input as in
     * {@code base}: only what depends on the elements of that input that differ from the
     * snapshot's is computed again (see {@link Reruns#rerun}). Bit-identical to a full
     * {@link #run}.
     */
    public NDArray[] rerun(Snapshot base, int input, NDArray value) {
        checkRerun(base, input, value);
        int[] changed = differing(base.slots[input], value);
        return changed == null ? outputsOf(base.slots) : reruns(base).rerun(input, value, changed);
    }

    /** {@link Reruns#rerun} with a workspace of its own (repeated reruns should share one: {@link #reruns}). */
    public NDArray[] rerun(Snapshot base, int input, NDArray value, int[] changed) {
        return reruns(base).rerun(input, value, changed);
    }

    /** A workspace for partial re-evaluations from {@code base}; see {@link Reruns}. */
    public Reruns reruns(Snapshot base) {
        if (base.program != this) {
            throw new IllegalArgumentException("the snapshot belongs to another program");
        }
        return new Reruns(base);
    }

    /**
     * Partial re-evaluations from one snapshot. Instructions none of whose inputs moved are
     * skipped. An op with a partial rule ({@link Op#updateChanged}: elementwise ops, products)
     * recomputes, in a working copy of its output, only the elements that read a moved element;
     * the copies are kept between reruns and the snapshot's values are put back after each, so a
     * rerun costs what the moved elements reach, not the size of the values. Any other op runs in
     * full and its outputs are compared with the snapshot's, so that only the elements that
     * really moved propagate. Every op is deterministic, so the results are bit-identical to a full
     * {@link #run}. One thread at a time (a unit of a gradient check holds one).
     */
    public final class Reruns {
        private final Snapshot base;
        private final double[][] work = new double[slotTypes.length][];

        private Reruns(Snapshot base) {
            this.base = base;
        }

        /**
         * The outputs with input {@code input} replaced by {@code value}, which differs from the
         * snapshot's value at most at the positions {@code changed} (ascending, C order; the other
         * elements must be equal: they are not compared).
         */
        public NDArray[] rerun(int input, NDArray value, int[] changed) {
            checkRerun(base, input, value);
            if (changed == null) {
                throw new IllegalArgumentException("changed positions of input " + input + " (" + slotNames[input]
                        + ") are null");
            }
            for (int t = 0; t < changed.length; t++) {
                if (changed[t] < 0 || changed[t] >= value.size() || (t > 0 && changed[t] <= changed[t - 1])) {
                    throw new IllegalArgumentException("changed positions of input " + input + " (" + slotNames[input]
                            + ") must be ascending and in [0, " + value.size() + "); got " + changed[t] + " at index " + t);
                }
            }
            if (changed.length == 0) {
                return outputsOf(base.slots);
            }
            int[][] written = new int[slotTypes.length][];      // per slot: positions of work[s] to restore
            try {
                return run(input, value, changed.clone(), written);
            } finally {
                for (int s = 0; s < written.length; s++) {
                    if (written[s] != null) {
                        double[] from = base.slots[s].unsafeData();
                        for (int p : written[s]) {
                            work[s][p] = from[p];
                        }
                    }
                }
            }
        }

        private NDArray[] run(int input, NDArray value, int[] changed, int[][] written) {
            NDArray[] slots = base.slots.clone();
            slots[input] = value;
            int[][] delta = new int[slots.length][];        // per slot: the positions that differ; null = none
            delta[input] = changed;
            for (Instruction ins : code) {
                int[][] ch = new int[ins.in.length][];
                boolean any = false;
                boolean everything = false;
                NDArray[] args = new NDArray[ins.in.length];
                for (int k = 0; k < ins.in.length; k++) {
                    ch[k] = delta[ins.in[k]];
                    any |= ch[k] != null;
                    everything |= ch[k] == EVERYTHING;
                    args[k] = slots[ins.in[k]];
                }
                if (!any) {
                    continue;                                 // same inputs: the snapshot's outputs stand
                }
                int[][] pos = null;
                double[][] outs = new double[ins.out.length][];
                if (!everything) {
                    for (int k = 0; k < outs.length; k++) {
                        outs[k] = work(ins.out[k]);
                    }
                    try {
                        pos = ins.op.updateChanged(args, ch, outs);
                        if (pos != null && pos.length != ins.out.length) {
                            throw new OpContractError(ins.op, -1, ins.op + ".updateChanged returned " + pos.length
                                    + " position lists; " + ins.out.length + " outputs are expected");
                        }
                    } catch (RuntimeException e) {
                        for (int s : ins.out) {
                            work[s] = null;                   // what it wrote is unknown: copy afresh next time
                        }
                        throw e;
                    }
                }
                if (pos != null) {
                    for (int k = 0; k < pos.length; k++) {
                        int s = ins.out[k];
                        NDArray before = base.slots[s];
                        written[s] = pos[k];
                        slots[s] = NDArray.wrap(before.dtype(), before.shape(), outs[k]);
                        delta[s] = moved(before.unsafeData(), outs[k], pos[k]);
                    }
                } else {
                    NDArray[] res = ins.op.perform(args);
                    checkResults(ins, res, "perform");
                    for (int k = 0; k < res.length; k++) {
                        slots[ins.out[k]] = res[k];
                        delta[ins.out[k]] = differing(base.slots[ins.out[k]], res[k]);
                    }
                }
            }
            // outputs held in working copies, or in views of them (an op may return its input), are
            // copied: the copies are restored after this rerun
            java.util.Set<double[]> working = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int s = 0; s < written.length; s++) {
                if (written[s] != null) {
                    working.add(work[s]);
                }
            }
            NDArray[] out = outputsOf(slots);
            for (int k = 0; k < out.length; k++) {
                if (working.contains(out[k].unsafeData())) {
                    out[k] = NDArray.wrap(out[k].dtype(), out[k].shape(), out[k].toDoubleArray());
                }
            }
            return out;
        }

        private double[] work(int slot) {
            if (work[slot] == null) {
                work[slot] = base.slots[slot].toDoubleArray();
            }
            return work[slot];
        }
    }

    private void checkRerun(Snapshot base, int input, NDArray value) {
        if (base.program != this) {
            throw new IllegalArgumentException("the snapshot belongs to another program");
        }
        checkInput(input, value);
        if (!Arrays.equals(value.shape(), base.slots[input].shape())) {
            throw new IllegalArgumentException("input " + input + " (" + slotNames[input] + ") has shape "
                    + Arrays.toString(value.shape()) + " but the snapshot's has "
                    + Arrays.toString(base.slots[input].shape()) + "; re-evaluate with evaluate()");
        }
    }

    /** Marks a slot whose shape changed: every element differs, no partial rule applies. */
    private static final int[] EVERYTHING = new int[0];

    /** Those of {@code positions} where {@code now} differs from {@code before} bit for bit; null if none. */
    private static int[] moved(double[] before, double[] now, int[] positions) {
        int[] r = new int[positions.length];
        int count = 0;
        for (int p : positions) {
            if (Double.doubleToRawLongBits(before[p]) != Double.doubleToRawLongBits(now[p])) {
                r[count++] = p;
            }
        }
        return count == 0 ? null : count == r.length ? r : Arrays.copyOf(r, count);
    }

    /**
     * The positions where {@code now} differs from {@code before} (NaNs of any payload are equal,
     * -0.0 and 0.0 are not), by {@link Arrays#mismatch}, which skips equal runs with SIMD
     * compares; null if none.
     */
    private static int[] differing(NDArray before, NDArray now) {
        if (before == now) {
            return null;
        }
        if (!Arrays.equals(before.shape(), now.shape()) || before.dtype() != now.dtype()) {
            return EVERYTHING;
        }
        double[] x = before.unsafeData();
        double[] y = now.unsafeData();
        int n = x.length;
        int[] pos = new int[8];
        int count = 0;
        int i = Arrays.mismatch(x, y);
        while (i >= 0) {
            if (count == pos.length) {
                pos = Arrays.copyOf(pos, 2 * count);
            }
            pos[count++] = i;
            if (++i == n) {
                break;
            }
            int d = Arrays.mismatch(x, i, n, y, i, n);
            i = d < 0 ? -1 : i + d;
        }
        return count == 0 ? null : Arrays.copyOf(pos, count);
    }

    private void checkInput(int i, NDArray value) {
        if (i < 0 || i >= nInputs) {
            throw new IllegalArgumentException("input " + i + " out of range; the program has " + nInputs + " inputs");
        }
        if (value == null) {
            throw new IllegalArgumentException("input " + i + " (" + slotNames[i] + ") is null");
        }
        String why = slotTypes[i].mismatch(value);
        if (why != null) {
            throw new IllegalArgumentException("input " + i + " (" + slotNames[i] + ") of type " + slotTypes[i]
                    + " got a value with " + why);
        }
    }

    private NDArray[] initialSlots(NDArray[] inputs) {
        if (inputs.length != nInputs) {
            throw new IllegalArgumentException("program takes " + nInputs + " inputs, got " + inputs.length);
        }
        NDArray[] slots = new NDArray[slotTypes.length];
        for (int i = 0; i < nInputs; i++) {
            checkInput(i, inputs[i]);
            slots[i] = inputs[i];
        }
        for (int i = 0; i < constSlots.length; i++) {
            slots[constSlots[i]] = constValues[i];
        }
        for (int i = 0; i < sharedSlots.length; i++) {
            slots[sharedSlots[i]] = shared[i].getValue();
        }
        return slots;
    }

    /** Runs the instructions, checking what each op returns. */
    private void execute(NDArray[] slots, boolean free) {
        int[] last = free ? lastUse() : null;
        for (int pc = 0; pc < code.length; pc++) {
            Instruction ins = code[pc];
            NDArray[] args = new NDArray[ins.in.length];
            for (int k = 0; k < ins.in.length; k++) {
                args[k] = slots[ins.in[k]];
            }
            NDArray[] res = ins.op.perform(args);
            checkResults(ins, res, "perform");
            for (int k = 0; k < res.length; k++) {
                slots[ins.out[k]] = res[k];
            }
            if (free) {
                for (int s : ins.in) {
                    if (last[s] == pc && s >= nInputs) {
                        slots[s] = null;           // let dead intermediates be collected
                    }
                }
            }
        }
    }

    /** What an op returned must match the instruction's outputs and their declared types. */
    private void checkResults(Instruction ins, NDArray[] res, String method) {
        if (res == null || res.length != ins.out.length) {
            throw new OpContractError(ins.op, -1, ins.op + "." + method + " returned " + (res == null ? "null"
                    : res.length + " values") + "; " + ins.out.length + " outputs are expected");
        }
        for (int k = 0; k < res.length; k++) {
            TensorType t = slotTypes[ins.out[k]];
            String why = res[k] == null ? "null" : t.mismatch(res[k]);
            if (why != null) {
                throw new OpContractError(ins.op, k, ins.op + "." + method + " returned for output " + k + " a value with "
                        + why + " (declared type " + t + ")");
            }
        }
    }

    private NDArray[] outputsOf(NDArray[] slots) {
        NDArray[] out = new NDArray[outputs.length];
        for (int k = 0; k < outputs.length; k++) {
            out[k] = slots[outputs[k]];
        }
        return out;
    }

    /** A listing: one line per instruction. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Program(inputs=");
        for (int i = 0; i < nInputs; i++) {
            sb.append(i > 0 ? ", " : "").append('%').append(i).append(':').append(slotNames[i]);
        }
        sb.append(")\n");
        for (Instruction ins : code) {
            sb.append("  ").append(ins).append('\n');
        }
        return sb.append("  return ").append(Arrays.toString(outputs)).toString();
    }
}
