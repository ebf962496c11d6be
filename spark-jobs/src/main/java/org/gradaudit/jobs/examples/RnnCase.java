package org.gradaudit.jobs.examples;

import java.util.List;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;

/**
 * An audit case with a loop: a recurrent network {@code h_t = tanh(W h_{t-1} + U x_t)} over the
 * rows of the sequence, output {@code sum(h_T ** 2)}-style cost {@code sum(h ** 2)} over all steps.
 * Inputs, in the spec's order: the sequence xs (T, d), W (k, k), U (k, d), h0 (k). The gradient
 * goes through Scan's backpropagation through time, on the executors.
 */
public final class RnnCase implements GraphBuilder {
    @Override
    public Variable apply(List<Variable> in) {
        if (in.size() != 4) {
            throw new IllegalArgumentException("RnnCase needs 4 inputs (xs, W, U, h0), the spec declares " + in.size());
        }
        Variable xs = in.get(0);
        Variable w = in.get(1);
        Variable u = in.get(2);
        Variable h0 = in.get(3);
        Variable hs = Scan.builder().sequences(xs).outputsInfo(Scan.state(h0)).nonSequences(w, u)
                .step(s -> ScanStep.of(T.tanh(T.add(T.dot(s.nonSeq(0), s.state(0)), T.dot(s.nonSeq(1), s.seq(0))))))
                .build().get(0);
        return T.sum(T.sqr(hs));
    }
}
