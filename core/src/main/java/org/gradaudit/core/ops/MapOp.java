package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Compiler;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.graph.Graphs;

/**
 * {@code map}: evaluates an inner graph once per slice along the first axis of its sequences and
 * stacks the results, like Theano's scan with sequences and no recurrence. The inner graph is
 * compiled to a {@link Program}; the variables it reads that do not depend on the slice are
 * computed once, outside, and passed in as non-sequence inputs.
 *
 * <p>Its gradient and R-op are those of Scan (Step 4); here they are reported as not implemented.
 */
public final class MapOp extends Op {
    private static final long serialVersionUID = 1L;

    private final Program inner;
    private final int nSeq;
    private final TensorType[] outTypes;

    private MapOp(Program inner, int nSeq, TensorType[] outTypes) {
        this.inner = inner;
        this.nSeq = nSeq;
        this.outTypes = outTypes;
    }

    /**
     * Maps {@code innerOutputs}, written in terms of {@code slices} (one placeholder per sequence,
     * standing for row i), over the rows of {@code sequences}. Returns one stacked output per inner
     * output, with a new leading axis.
     */
    public static List<Variable> map(List<Variable> slices, List<Variable> sequences, List<Variable> innerOutputs) {
        if (slices.isEmpty() || slices.size() != sequences.size()) {
            throw new IllegalArgumentException("map needs one slice placeholder per sequence; got " + slices.size()
                    + " slices for " + sequences.size() + " sequences");
        }
        for (int i = 0; i < slices.size(); i++) {
            if (sequences.get(i).ndim() != slices.get(i).ndim() + 1) {
                throw new IllegalArgumentException("map: sequence " + i + " has ndim " + sequences.get(i).ndim()
                        + " but its slice has ndim " + slices.get(i).ndim() + "; expected one more");
            }
        }
        // D: variables of the inner graph that depend on a slice
        Set<Variable> dependent = Graphs.identitySet();
        dependent.addAll(slices);
        List<Apply> nodes = Graphs.toposort(innerOutputs);
        for (Apply node : nodes) {
            for (Variable in : node.inputs()) {
                if (dependent.contains(in)) {
                    dependent.addAll(node.outputs());
                    break;
                }
            }
        }
        // non-sequences: values read by dependent nodes (or returned) that do not depend on a slice
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        List<Variable> nonSeq = new ArrayList<>();
        for (Apply node : nodes) {
            if (!dependent.contains(node.out())) {
                continue;
            }
            for (Variable in : node.inputs()) {
                addFree(in, dependent, seen, nonSeq);
            }
        }
        for (Variable o : innerOutputs) {
            addFree(o, dependent, seen, nonSeq);
        }
        List<Variable> innerInputs = new ArrayList<>(slices);
        innerInputs.addAll(nonSeq);
        Program program = Compiler.compile(innerInputs, innerOutputs);
        TensorType[] outTypes = new TensorType[innerOutputs.size()];
        for (int k = 0; k < outTypes.length; k++) {
            TensorType t = innerOutputs.get(k).tensorType();
            boolean[] b = new boolean[t.ndim() + 1];
            System.arraycopy(t.broadcastable(), 0, b, 1, t.ndim());
            outTypes[k] = new TensorType(t.dtype(), b);
        }
        List<Variable> outer = new ArrayList<>(sequences);
        outer.addAll(nonSeq);
        return new MapOp(program, slices.size(), outTypes).makeNode(outer).outputs();
    }

    private static void addFree(Variable v, Set<Variable> dependent, Map<Variable, Boolean> seen, List<Variable> out) {
        if (dependent.contains(v) || v instanceof Constant || v instanceof SharedVariable || seen.containsKey(v)) {
            return;
        }
        seen.put(v, true);
        out.add(v);
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != inner.nInputs()) {
            throw new IllegalArgumentException(this + " takes " + inner.nInputs() + " inputs, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            TensorType t = inputs.get(i).tensorType();
            TensorType expected = inner.inputType(i);
            boolean ok = i < nSeq ? t.dtype() == expected.dtype() && t.ndim() == expected.ndim() + 1
                    : t.dtype() == expected.dtype() && t.ndim() == expected.ndim();
            if (!ok) {
                throw new IllegalArgumentException(this + ": input " + i + " has type " + t + ", incompatible with the"
                        + " inner graph's " + (i < nSeq ? "slice " : "input ") + expected);
            }
        }
        return Apply.create(this, inputs, Arrays.asList(outTypes));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = in[0].shape(0);
        for (int s = 1; s < nSeq; s++) {
            if (in[s].shape(0) != n) {
                throw new IllegalArgumentException(this + ": sequence " + s + " has " + in[s].shape(0)
                        + " rows, sequence 0 has " + n);
            }
        }
        NDArray[] args = Arrays.copyOf(in, in.length);
        double[][] outs = new double[outTypes.length][];
        int[][] rowShapes = new int[outTypes.length][];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < nSeq; s++) {
                args[s] = row(in[s], i);
            }
            NDArray[] r = inner.run(args);
            for (int k = 0; k < r.length; k++) {
                if (outs[k] == null) {
                    rowShapes[k] = r[k].shape();
                    outs[k] = new double[n * r[k].size()];
                } else if (!Arrays.equals(rowShapes[k], r[k].shape())) {
                    throw new IllegalArgumentException(this + ": output " + k + " has shape " + Arrays.toString(r[k].shape())
                            + " at step " + i + " but " + Arrays.toString(rowShapes[k]) + " at step 0");
                }
                System.arraycopy(r[k].unsafeData(), 0, outs[k], i * r[k].size(), r[k].size());
            }
        }
        NDArray[] result = new NDArray[outTypes.length];
        for (int k = 0; k < result.length; k++) {
            int[] shape;
            if (n == 0) {
                shape = new int[outTypes[k].ndim()];          // unknown row shape: (0, 0, ...)
                outs[k] = new double[0];
            } else {
                shape = new int[rowShapes[k].length + 1];
                shape[0] = n;
                System.arraycopy(rowShapes[k], 0, shape, 1, rowShapes[k].length);
            }
            result[k] = NDArray.wrap(outTypes[k].dtype(), shape, outs[k]);
        }
        return result;
    }

    private static NDArray row(NDArray a, int i) {
        int[] s = a.shape();
        int[] rs = Arrays.copyOfRange(s, 1, s.length);
        int size = NDArray.sizeOf(rs);
        return NDArray.wrap(a.dtype(), rs, Arrays.copyOfRange(a.unsafeData(), i * size, (i + 1) * size));
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        List<Variable> r = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            r.add(Gradient.gradNotImplemented(this, i, inputs.get(i), "Gradients through map arrive with Scan."));
        }
        return r;
    }

    @Override
    public String toString() {
        return "Map{" + inner.nInputs() + " inputs, " + outTypes.length + " outputs}";
    }
}
