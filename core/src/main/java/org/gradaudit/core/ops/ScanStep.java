package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.gradaudit.core.Variable;

/**
 * What a scan's step function returns: one output per entry of outputsInfo, in order, and
 * optionally an {@code until} condition (a scalar; the loop stops after the step where it is
 * non-zero, Theano's {@code theano.scan_module.until}).
 */
public final class ScanStep {
    /** The step function: builds the graph of one step from its inputs. */
    @FunctionalInterface
    public interface Fn {
        ScanStep apply(ScanInner in);
    }

    private final List<Variable> outputs;
    private final Variable until;

    private ScanStep(List<Variable> outputs, Variable until) {
        this.outputs = Collections.unmodifiableList(new ArrayList<>(outputs));
        this.until = until;
    }

    public static ScanStep of(Variable... outputs) {
        return new ScanStep(Arrays.asList(outputs), null);
    }

    public static ScanStep of(List<Variable> outputs) {
        return new ScanStep(outputs, null);
    }

    /** The same outputs, stopping after the step where {@code condition} (a scalar) is non-zero. */
    public ScanStep until(Variable condition) {
        return new ScanStep(outputs, Objects.requireNonNull(condition, "until condition"));
    }

    public List<Variable> outputs() { return outputs; }

    public Variable until() { return until; }
}
