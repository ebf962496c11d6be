package org.gradaudit.core.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Cast;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;

/** Graph walks. All iterative, so graphs of any depth work without deep recursion. */
public final class Graphs {
    private Graphs() {}

    /**
     * The nodes computing {@code outputs}, in topological order (inputs before consumers),
     * visiting inputs left to right: deterministic for a given graph.
     */
    public static List<Apply> toposort(Collection<Variable> outputs) {
        List<Apply> order = new ArrayList<>();
        Map<Apply, Boolean> state = new IdentityHashMap<>();    // false: on stack, true: done
        Deque<Object[]> stack = new ArrayDeque<>();
        for (Variable o : outputs) {
            if (o == null || o.owner() == null || state.containsKey(o.owner())) {
                continue;
            }
            stack.push(new Object[] {o.owner(), 0});
            state.put(o.owner(), false);
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Apply node = (Apply) frame[0];
                int next = (Integer) frame[1];
                if (next < node.inputs().size()) {
                    frame[1] = next + 1;
                    Apply dep = node.inputs().get(next).owner();
                    if (dep != null && !state.containsKey(dep)) {
                        state.put(dep, false);
                        stack.push(new Object[] {dep, 0});
                    }
                } else {
                    stack.pop();
                    state.put(node, true);
                    order.add(node);
                }
            }
        }
        return order;
    }

    /** Root variables (no owner) that {@code outputs} depend on, in first-seen order. */
    public static List<Variable> inputs(Collection<Variable> outputs) {
        Set<Variable> roots = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Variable> result = new ArrayList<>();
        for (Variable o : outputs) {
            if (o != null && o.owner() == null && roots.add(o)) {
                result.add(o);
            }
        }
        for (Apply node : toposort(outputs)) {
            for (Variable in : node.inputs()) {
                if (in.owner() == null && roots.add(in)) {
                    result.add(in);
                }
            }
        }
        return result;
    }

    /** Every variable {@code outputs} depend on, themselves included. */
    public static Set<Variable> ancestors(Collection<Variable> outputs) {
        Set<Variable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Variable> work = new ArrayDeque<>(outputs);
        while (!work.isEmpty()) {
            Variable v = work.pop();
            if (v == null || !seen.add(v)) {
                continue;
            }
            if (v.owner() != null) {
                work.addAll(v.owner().inputs());
            }
        }
        return seen;
    }

    /**
     * The value of {@code v} when it is provably one constant scalar broadcast everywhere (a
     * constant, or fill/cast/dimshuffle of one), else null. Theano's {@code get_scalar_constant_value}.
     */
    public static Double scalarConstantValue(Variable v) {
        while (v != null) {
            if (v instanceof Constant) {
                double[] d = ((Constant) v).value().unsafeData();
                if (d.length == 0) {
                    return null;
                }
                for (double x : d) {
                    if (Double.compare(x, d[0]) != 0) {
                        return null;
                    }
                }
                return d[0];
            }
            Apply a = v.owner();
            if (a == null) {
                return null;
            }
            if (a.op() instanceof Elemwise && ((Elemwise) a.op()).scalar() == ScalarOp.SECOND) {
                v = a.input(1);
            } else if (a.op() instanceof Cast || a.op() instanceof DimShuffle) {
                v = a.input(0);        // a constant stays constant through a cast or a change of axes
            } else {
                return null;
            }
        }
        return null;
    }

    /** An identity-keyed set (no order). */
    public static Set<Variable> identitySet() {
        return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
