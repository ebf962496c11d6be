package org.gradaudit.core.ops;

import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * Theano's {@code scan}: a loop whose body is a graph.
 * {@code s_t = f(x_{t+j...}, s_{t+τ...}, θ)} for t = 0..N-1, with sequences x read along axis 0
 * at taps j, recurrent states s read at negative taps τ, non-sequences θ; outputs are stacked
 * over the steps. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * List<Variable> out = Scan.builder()
 *     .sequences(x)                                   // or Scan.seq(x, -1, 0): taps
 *     .outputsInfo(Scan.state(h0), Scan.state(y0, -2, -1), Scan.noFeedback())
 *     .nonSequences(W, U)                             // free variables of the step are added
 *     .nSteps(n)                                      // optional when sequences give it
 *     .truncateGradient(-1).goBackwards(false)
 *     .step(in -> ScanStep.of(T.tanh(T.add(T.dot(W, in.state(0)), T.dot(U, in.seq(0)))),
 *                             ..., ...).until(cond))
 *     .build();
 * }</pre>
 *
 * <p><b>Gradient</b> (backpropagation through time, Werbos 1990; Theano's {@code Scan.L_op}):
 * with {@code ā_t} the total adjoint of the state written at step t,
 * {@code ā_t = G_t + Σ_τ c_τ(t - τ)} where {@code c_τ(t')} is the L-op of step t' with respect to
 * its tap-τ input; the steps are visited in reverse, the pending contributions are carried as
 * states of a reverse scan, sequence and non-sequence gradients are accumulated, and the
 * contributions that fall before step 0 are the gradient of the initial state. With
 * {@code truncateGradient(k)} only the last k steps are visited (earlier steps get zero, as in
 * Theano). The backward loop is itself a {@code Scan} whose body is {@code Gradient.lop} of the
 * step graph, so it has a gradient too (second order).
 *
 * <p><b>R-op</b>: a forward scan carrying the tangent of every state next to the state, the body
 * being {@code Gradient.rop} of the step graph: {@code ṡ_t = Σ ∂f/∂in · iṅ}.
 *
 * <p>One op class serves the user's loop and its derivatives: see {@link ScanSpec} for the kinds
 * of inputs and outputs (sequences, states, and the accumulators gradients are made of). Outputs
 * are the user's outputs and, last, the number of steps actually run (an int64 scalar; with
 * {@code until} it may be fewer than N).
 */
public final class Scan extends Op {
    private static final long serialVersionUID = 1L;

    private final ScanSpec spec;
    /** The symbolic inner graph, needed to build gradients; absent after deserialization. */
    private final transient ScanParts parts;

    Scan(ScanSpec spec, ScanParts parts) {
        this.spec = spec;
        this.parts = parts;
    }

    // ---- the user-facing API ----

    /** A new scan builder. */
    public static ScanBuilder builder() {
        return new ScanBuilder();
    }

    /** A sequence read at the given taps (Theano's {@code dict(input=x, taps=[...])}); default [0]. */
    public static Seq seq(Variable x, int... taps) {
        return new Seq(x, taps.length == 0 ? new int[] {0} : taps);
    }

    /** A recurrent state read at tap -1; {@code init} has the shape of one state. */
    public static OutputInfo state(Variable init) {
        return new OutputInfo(init, new int[] {-1});
    }

    /**
     * A recurrent state read at negative taps. With taps {@code [-1]} the init has the state's
     * shape; otherwise it has a leading axis of length {@code -min(taps)} holding the states of
     * steps {@code -m .. -1} (Theano's mit_sot).
     */
    public static OutputInfo state(Variable init, int... taps) {
        return new OutputInfo(init, taps.length == 0 ? new int[] {-1} : taps);
    }

    /** An output that is not fed back (Theano's {@code None} in outputs_info). */
    public static OutputInfo noFeedback() {
        return new OutputInfo(null, new int[0]);
    }

    /** A sequence argument with its taps. */
    public static final class Seq {
        final Variable x;
        final int[] taps;

        Seq(Variable x, int[] taps) {
            this.x = x;
            this.taps = taps.clone();
        }
    }

    /** An entry of outputsInfo: a state (init and taps) or an output without feedback. */
    public static final class OutputInfo {
        final Variable init;
        final int[] taps;

        OutputInfo(Variable init, int[] taps) {
            this.init = init;
            this.taps = taps.clone();
        }

        boolean feedback() {
            return init != null;
        }
    }

    // ---- the op ----

    ScanSpec spec() { return spec; }

    ScanParts parts() {
        if (parts == null) {
            throw new IllegalStateException(this + ": the symbolic step graph is not available (this op was read"
                    + " back from a serialized program); differentiate the graph before compiling it");
        }
        return parts;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != spec.nInputs()) {
            throw new IllegalArgumentException(this + " takes " + spec.nInputs() + " inputs, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            TensorType want = spec.inTypes[i];
            TensorType t = inputs.get(i).tensorType();
            if (t.dtype() != want.dtype() || t.ndim() != want.ndim()) {
                throw new IllegalArgumentException(this + ": input " + i + " has type " + t + " but the scan was built"
                        + " for " + want + " (same dtype and ndim required)");
            }
        }
        return Apply.create(this, inputs, Arrays.asList(spec.outTypes));
    }

    @Override
    public NDArray[] perform(NDArray[] inputs) {
        return new ScanLoop(this, spec, inputs).run();
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        boolean[][] cp = new boolean[spec.pattern.length][];
        for (int i = 0; i < cp.length; i++) {
            cp[i] = spec.pattern[i].clone();
        }
        return cp;
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        return ScanCalculus.lop(this, inputs, outputs, outputGrads);
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        return ScanCalculus.rop(this, inputs, outputs, evalPoints);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Scan{").append(spec.name);
        if (spec.order == ScanSpec.Order.REVERSE) {
            sb.append(", reverse");
        }
        if (spec.lastK >= 0) {
            sb.append(", last ").append(spec.lastK).append(" steps");
        }
        if (spec.truncate >= 0) {
            sb.append(", truncate_gradient=").append(spec.truncate);
        }
        return sb.append(", ").append(spec.reads.length + spec.sreads.length).append(" seqs, ")
                .append(spec.states.length).append(" states, ").append(spec.nNonSeq).append(" non-seqs}").toString();
    }
}
