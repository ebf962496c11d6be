package org.gradaudit.core.ops;

import java.io.Serializable;
import org.gradaudit.core.Variable;

/**
 * A basic slice {@code start:stop:step} for {@code x.get(...)}: each component is null (absent),
 * an {@code Integer}/{@code Long} constant, or a 0-d integer {@link Variable} (a symbolic bound,
 * which becomes an extra, non-connected input of the {@link Subtensor}). NumPy's rules apply at
 * run time: negative bounds count from the end, bounds are clamped, step may be negative.
 */
public final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code :}, the whole axis. */
    public static final Slice ALL = new Slice(null, null, null);

    private final Object start;
    private final Object stop;
    private final Object step;

    public Slice(Object start, Object stop, Object step) {
        this.start = check(start, "start");
        this.stop = check(stop, "stop");
        this.step = check(step, "step");
        if (step instanceof Number && ((Number) step).longValue() == 0) {
            throw new IllegalArgumentException("slice step cannot be 0");
        }
    }

    private static Object check(Object v, String what) {
        if (v == null || v instanceof Integer || v instanceof Long) {
            return v;
        }
        if (v instanceof Variable && ((Variable) v).isTensor() && ((Variable) v).ndim() == 0
                && ((Variable) v).dtype().isInteger()) {
            return v;
        }
        throw new IllegalArgumentException("slice " + what + " is " + v + (v instanceof Variable
                ? " of type " + ((Variable) v).type() : "") + "; expected null, an int, or a 0-d integer variable");
    }

    public Object start() { return start; }
    public Object stop() { return stop; }
    public Object step() { return step; }

    @Override
    public String toString() {
        return (start == null ? "" : start) + ":" + (stop == null ? "" : stop) + (step == null ? "" : ":" + step);
    }
}
