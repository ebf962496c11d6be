package org.gradaudit.core.graph;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Cast;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.GradientOps;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;
import org.gradaudit.core.ops.Sum;
import org.gradaudit.core.ops.SumToShape;

/**
 * The vectorization transform (like JAX's vmap or PyTensor's vectorize_graph): given outputs and a
 * replacement of some of their inputs by batched inputs (one more leading axis, the batch), it
 * returns the batched outputs, computing every batch element at once.
 *
 * <p>Each op gets a batching rule: how it runs with an extra leading axis on some inputs.
 * Elementwise ops broadcast the batch axis; reductions and dimshuffles shift their axes; products
 * become matrix products, tensordots or batched products; the batched sum-to-shape keeps the batch
 * axis. Ops without a rule fall back to a loop over the batch ({@link Scan}), which is correct
 * (and differentiable) but not faster. Nodes that do not depend on a replaced input are left as they are and computed
 * once.
 */
public final class Vectorize {
    private Vectorize() {}

    /**
     * The outputs with {@code replace}'s keys replaced by its values (each value has one more
     * leading axis than its key: the batch). Outputs that do not depend on any replaced input are
     * broadcast over the batch, so every result has the batch axis.
     */
    public static List<Variable> vectorize(List<Variable> outputs, Map<Variable, Variable> replace) {
        if (replace.isEmpty()) {
            throw new IllegalArgumentException("vectorize needs at least one replaced input");
        }
        Map<Variable, Variable> batched = new IdentityHashMap<>();
        Variable ref = null;
        for (Map.Entry<Variable, Variable> e : replace.entrySet()) {
            Variable k = e.getKey();
            Variable v = e.getValue();
            if (!k.isTensor() || !v.isTensor() || v.ndim() != k.ndim() + 1 || v.dtype() != k.dtype()) {
                throw new IllegalArgumentException("vectorize: " + v + " (" + v.type() + ") cannot replace " + k + " ("
                        + k.type() + "); the replacement needs the same dtype and one more leading (batch) axis");
            }
            batched.put(k, v);
            ref = ref == null ? v : ref;
        }
        for (Apply node : Graphs.toposort(outputs)) {
            boolean any = false;
            for (Variable in : node.inputs()) {
                any |= batched.containsKey(in);
            }
            if (!any) {
                continue;
            }
            List<Variable> outs = batchNode(node, batched);
            for (int k = 0; k < outs.size(); k++) {
                batched.put(node.output(k), outs.get(k));
            }
        }
        List<Variable> result = new ArrayList<>(outputs.size());
        for (Variable o : outputs) {
            Variable b = batched.get(o);
            result.add(b != null ? b : broadcastOverBatch(o, ref));
        }
        return result;
    }

    /** {@code out} repeated along a new leading axis of the batch size of {@code ref}. */
    private static Variable broadcastOverBatch(Variable out, Variable ref) {
        Variable[] shape = new Variable[out.ndim() + 1];
        shape[0] = T.shape(ref, 0);
        for (int i = 0; i < out.ndim(); i++) {
            shape[i + 1] = T.shape(out, i);
        }
        return T.alloc(out, shape);
    }

    private static List<Variable> batchNode(Apply node, Map<Variable, Variable> batched) {
        Op op = node.op();
        List<Variable> ins = node.inputs();
        List<Variable> b = new ArrayList<>(ins.size());
        boolean[] isB = new boolean[ins.size()];
        for (int i = 0; i < ins.size(); i++) {
            Variable v = batched.get(ins.get(i));
            isB[i] = v != null;
            b.add(v != null ? v : ins.get(i));
        }
        if (op instanceof Elemwise || op instanceof Cast || op instanceof GradientOps.ViewOp) {
            // the batch axis broadcasts: unbatched inputs are aligned on the right
            return op.makeNode(b).outputs();
        }
        if (op instanceof Sum && isB[0]) {
            int[] axes = ((Sum) op).axes();
            int nd = ins.get(0).ndim();
            int[] shifted;
            if (axes == null) {
                shifted = new int[nd];
                for (int a = 0; a < nd; a++) {
                    shifted[a] = a + 1;
                }
            } else {
                shifted = new int[axes.length];
                for (int a = 0; a < axes.length; a++) {
                    shifted[a] = axes[a] + 1;
                }
            }
            return List.of(nd == 0 ? b.get(0) : T.sum(b.get(0), shifted));
        }
        if (op instanceof DimShuffle && isB[0]) {
            int[] order = ((DimShuffle) op).order();
            Object[] pattern = new Object[order.length + 1];
            pattern[0] = 0;
            for (int k = 0; k < order.length; k++) {
                pattern[k + 1] = order[k] == DimShuffle.NEW_AXIS ? "x" : (Object) (order[k] + 1);
            }
            return List.of(T.dimshuffle(b.get(0), pattern));
        }
        if (op instanceof SumToShape && isB[0] && !isB[1]) {
            return List.of(new SumToShape(((SumToShape) op).keep() + 1).makeNode(b.get(0), ins.get(1)).out());
        }
        if (op instanceof Dot) {
            return List.of(batchDot(ins.get(0), ins.get(1), b.get(0), b.get(1), isB[0], isB[1]));
        }
        return mapOverBatch(node, b, isB);
    }

    /** The batched product for every vector/matrix combination of dot. */
    private static Variable batchDot(Variable x, Variable y, Variable xb, Variable yb, boolean bx, boolean by) {
        int nx = x.ndim();
        int ny = y.ndim();
        if (bx && !by) {
            return nx == 1 ? T.dot(xb, y) : T.tensordot(xb, y, 1);                       // (B,n).y or (B,m,n).y
        }
        if (!bx && by) {
            if (nx == 1 && ny == 1) {
                return T.dot(yb, x);                                                     // (B,n).x
            }
            if (nx == 2 && ny == 1) {
                return T.dot(yb, T.transpose(x));                                        // rows of X v_b
            }
            if (nx == 1) {
                return T.tensordot(x, yb, new int[] {0}, new int[] {1});                 // x . Y_b -> (B,k)
            }
            return T.dimshuffle(T.tensordot(x, yb, new int[] {1}, new int[] {1}), 1, 0, 2);   // (m,B,k) -> (B,m,k)
        }
        if (nx == 1 && ny == 1) {
            return T.sum(T.mul(xb, yb), 1);
        }
        if (nx == 2 && ny == 1) {
            return T.sum(T.mul(xb, T.dimshuffle(yb, 0, "x", 1)), 2);
        }
        if (nx == 1) {
            return T.sum(T.mul(T.dimshuffle(xb, 0, 1, "x"), yb), 1);
        }
        return T.batchedDot(xb, yb);
    }

    /** The fallback: a scan over the batch, applying the op to one batch element per step. */
    private static List<Variable> mapOverBatch(Apply node, List<Variable> b, boolean[] isB) {
        List<Variable> sequences = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            if (isB[i]) {
                sequences.add(b.get(i));
            }
        }
        Scan.OutputInfo[] info = new Scan.OutputInfo[node.outputs().size()];
        java.util.Arrays.fill(info, Scan.noFeedback());
        return Scan.builder().sequences(sequences.toArray()).outputsInfo(info).name("vectorize " + node.op())
                .step(in -> {
                    List<Variable> args = new ArrayList<>();
                    int k = 0;
                    for (int i = 0; i < b.size(); i++) {
                        args.add(isB[i] ? in.seq(k++) : b.get(i));
                    }
                    return ScanStep.of(node.op().makeNode(args).outputs());
                }).build();
    }
}
