package org.gradaudit.core.compile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullType;
import org.gradaudit.core.Op;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.GradientOps;

/**
 * Lowers a graph to a {@link Program}, rewriting on the way:
 * <ul>
 *   <li>gradient-modifying identities ({@link GradientOps.ViewOp}) are removed (Theano's
 *       {@code local_view_op});</li>
 *   <li>nodes whose inputs are all constants are evaluated now (constant folding, with the same
 *       kernels as at run time, so results are bit-identical);</li>
 *   <li>equal ops applied to the same slots are merged (common subexpressions).</li>
 * </ul>
 * The walk is iterative. The given inputs are leaves even when they have owners.
 */
public final class Compiler {
    private Compiler() {}

    public static Program compile(List<Variable> inputs, List<Variable> outputs) {
        return new Compiler.Run(inputs, outputs).lower();
    }

    private static final class Run {
        private final List<Variable> inputs;
        private final List<Variable> outputs;
        private final Map<Variable, Integer> slotOf = new IdentityHashMap<>();
        private final List<TensorType> types = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<Integer> constSlots = new ArrayList<>();
        private final List<NDArray> constValues = new ArrayList<>();
        private final List<Integer> sharedSlots = new ArrayList<>();
        private final List<SharedVariable> shared = new ArrayList<>();
        private final List<Program.Instruction> code = new ArrayList<>();
        private final Map<Key, int[]> merged = new HashMap<>();
        private final Map<Integer, NDArray> constantSlotValues = new HashMap<>();

        Run(List<Variable> inputs, List<Variable> outputs) {
            this.inputs = inputs;
            this.outputs = outputs;
        }

        Program lower() {
            for (int i = 0; i < inputs.size(); i++) {
                Variable in = Objects.requireNonNull(inputs.get(i), "input " + i + " is null");
                if (!in.isTensor()) {
                    throw new IllegalArgumentException("input " + i + " (" + in + ") has type " + in.type()
                            + "; function inputs must be tensors");
                }
                if (in instanceof Constant || in instanceof SharedVariable) {
                    throw new IllegalArgumentException("input " + i + " (" + in + ") is a "
                            + (in instanceof Constant ? "constant" : "shared variable")
                            + "; it cannot also be an explicit function input");
                }
                if (slotOf.containsKey(in)) {
                    throw new IllegalArgumentException("input " + i + " (" + in + ") is given twice");
                }
                slotOf.put(in, newSlot(in.tensorType(), in.name() == null ? "input " + i : in.name()));
            }
            for (int k = 0; k < outputs.size(); k++) {
                Variable o = outputs.get(k);
                if (o == null) {
                    throw new IllegalArgumentException("output " + k + " is null");
                }
                checkValueType(o, "output " + k);
            }
            for (Apply node : toposort()) {
                lowerNode(node);
            }
            int[] outSlots = new int[outputs.size()];
            for (int k = 0; k < outputs.size(); k++) {
                outSlots[k] = slot(outputs.get(k), "output " + k);
            }
            return new Program(types.toArray(new TensorType[0]), names.toArray(new String[0]), inputs.size(),
                    constSlots.stream().mapToInt(Integer::intValue).toArray(), constValues.toArray(new NDArray[0]),
                    sharedSlots.stream().mapToInt(Integer::intValue).toArray(), shared.toArray(new SharedVariable[0]),
                    live(code, outSlots).toArray(new Program.Instruction[0]), outSlots);
        }

        /** x when {@code v} is {@code transpose(x)} of a matrix x; null otherwise. */
        private static Variable transposedMatrix(Variable v) {
            Apply a = v.owner();
            if (a == null || !(a.op() instanceof DimShuffle) || a.input(0).ndim() != 2) {
                return null;
            }
            int[] order = ((DimShuffle) a.op()).order();
            return order.length == 2 && order[0] == 1 && order[1] == 0 ? a.input(0) : null;
        }

        /**
         * Drops instructions none of whose outputs is read or returned (a transpose whose only
         * reader now reads its input); ops are pure, so nothing else changes.
         */
        private List<Program.Instruction> live(List<Program.Instruction> all, int[] outSlots) {
            boolean[] needed = new boolean[types.size()];
            for (int s : outSlots) {
                needed[s] = true;
            }
            boolean[] keep = new boolean[all.size()];
            for (int pc = all.size() - 1; pc >= 0; pc--) {
                Program.Instruction ins = all.get(pc);
                for (int s : ins.out) {
                    keep[pc] |= needed[s];
                }
                if (keep[pc]) {
                    for (int s : ins.in) {
                        needed[s] = true;
                    }
                }
            }
            List<Program.Instruction> r = new ArrayList<>();
            for (int pc = 0; pc < all.size(); pc++) {
                if (keep[pc]) {
                    r.add(all.get(pc));
                }
            }
            return r;
        }

        private static void checkValueType(Variable v, String where) {
            if (NullType.is(v)) {
                throw new IllegalArgumentException("Computation graph contains a NaN. " + ((NullType) v.type()).whyNull());
            }
            if (DisconnectedType.is(v)) {
                throw new IllegalArgumentException("Computation graph contains a DisconnectedType placeholder (" + where
                        + "): it stands for a gradient that is zero because of disconnection and has no value;"
                        + " ask grad for ReturnDisconnected.ZERO");
            }
        }

        /** Nodes between the inputs and the outputs, inputs first; stops at function inputs. */
        private List<Apply> toposort() {
            List<Apply> order = new ArrayList<>();
            Map<Apply, Boolean> state = new IdentityHashMap<>();
            Deque<Object[]> stack = new ArrayDeque<>();
            for (Variable o : outputs) {
                Apply root = slotOf.containsKey(o) ? null : o.owner();
                if (root == null || state.containsKey(root)) {
                    continue;
                }
                state.put(root, false);
                stack.push(new Object[] {root, 0});
                while (!stack.isEmpty()) {
                    Object[] frame = stack.peek();
                    Apply node = (Apply) frame[0];
                    int next = (Integer) frame[1];
                    if (next < node.inputs().size()) {
                        frame[1] = next + 1;
                        Variable in = node.input(next);
                        Apply dep = slotOf.containsKey(in) ? null : in.owner();
                        if (dep != null && !state.containsKey(dep)) {
                            state.put(dep, false);
                            stack.push(new Object[] {dep, 0});
                        }
                    } else {
                        stack.pop();
                        order.add(node);
                    }
                }
            }
            return order;
        }

        private int newSlot(TensorType t, String name) {
            types.add(t);
            names.add(name);
            return types.size() - 1;
        }

        /** The slot of a variable already lowered, or of a leaf (constant, shared); errors otherwise. */
        private int slot(Variable v, String where) {
            Integer s = slotOf.get(v);
            if (s != null) {
                return s;
            }
            checkValueType(v, where);
            if (v instanceof Constant) {
                int c = newSlot(v.tensorType(), v.toString());
                constSlots.add(c);
                constValues.add(((Constant) v).value());
                constantSlotValues.put(c, ((Constant) v).value());
                slotOf.put(v, c);
                return c;
            }
            if (v instanceof SharedVariable) {
                int c = newSlot(v.tensorType(), v.name() == null ? "shared" : v.name());
                sharedSlots.add(c);
                shared.add((SharedVariable) v);
                slotOf.put(v, c);
                return c;
            }
            throw new IllegalArgumentException("Undeclared input: " + v + " (" + v.type() + ") is needed to compute "
                    + where + " but is not an input of the function, a constant or a shared variable");
        }

        private void lowerNode(Apply node) {
            Op op = node.op();
            int[] in = new int[node.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = slot(node.input(i), "input " + i + " of " + op);
            }
            if (op instanceof GradientOps.ViewOp) {
                slotOf.put(node.out(), in[0]);
                return;
            }
            Variable transposed = transposedMatrix(node.input(0));
            if (op instanceof Dot && !((Dot) op).isTransposed() && transposed != null && node.input(1).ndim() == 2) {
                // dot(transpose(x), y): the product reads x's columns (same bits, no copy of x)
                op = Dot.transposedX();
                in[0] = slot(transposed, "input 0 of " + op);
            }
            for (Variable o : node.outputs()) {
                checkValueType(o, "an output of " + op);
            }
            Key key = new Key(op, in);
            int[] existing = merged.get(key);
            if (existing != null) {
                for (int k = 0; k < existing.length; k++) {
                    slotOf.put(node.output(k), existing[k]);
                }
                return;
            }
            int[] out = new int[node.outputs().size()];
            boolean foldable = in.length > 0;
            for (int s : in) {
                foldable &= constantSlotValues.containsKey(s);
            }
            if (foldable) {
                NDArray[] args = new NDArray[in.length];
                for (int i = 0; i < in.length; i++) {
                    args[i] = constantSlotValues.get(in[i]);
                }
                NDArray[] values = op.perform(args);
                for (int k = 0; k < out.length; k++) {
                    Variable o = node.output(k);
                    out[k] = newSlot(o.tensorType(), "const " + op);
                    if (o.tensorType().mismatch(values[k]) != null) {
                        throw new IllegalStateException(op + ".perform returned for output " + k + " a value with "
                                + o.tensorType().mismatch(values[k]));
                    }
                    constSlots.add(out[k]);
                    constValues.add(values[k]);
                    constantSlotValues.put(out[k], values[k]);
                    slotOf.put(o, out[k]);
                }
            } else {
                for (int k = 0; k < out.length; k++) {
                    Variable o = node.output(k);
                    out[k] = newSlot(o.tensorType(), o.name() == null ? op.toString() : o.name());
                    slotOf.put(o, out[k]);
                }
                code.add(new Program.Instruction(op, in, out));
            }
            merged.put(key, out);
        }
    }

    private static final class Key {
        final Op op;
        final int[] in;

        Key(Op op, int[] in) {
            this.op = op;
            this.in = in;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).op.equals(op) && Arrays.equals(((Key) o).in, in);
        }

        @Override
        public int hashCode() {
            return 31 * op.hashCode() + Arrays.hashCode(in);
        }
    }
}
