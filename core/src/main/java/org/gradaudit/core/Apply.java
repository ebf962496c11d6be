package org.gradaudit.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** One application of an {@link Op} to input variables, producing output variables. */
public final class Apply implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Op op;
    private final List<Variable> inputs;
    private final List<Variable> outputs;

    private Apply(Op op, List<Variable> inputs, List<Type> outputTypes) {
        this.op = Objects.requireNonNull(op, "op");
        this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
        List<Variable> outs = new ArrayList<>(outputTypes.size());
        for (int i = 0; i < outputTypes.size(); i++) {
            outs.add(Variable.output(Objects.requireNonNull(outputTypes.get(i), "output type"), this, i));
        }
        this.outputs = Collections.unmodifiableList(outs);
    }

    /** Creates a node; ops call this from {@link Op#makeNode}. */
    public static Apply create(Op op, List<Variable> inputs, List<? extends Type> outputTypes) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                throw new IllegalArgumentException(op + ": input " + i + " is null");
            }
        }
        return new Apply(op, inputs, new ArrayList<>(outputTypes));
    }

    public Op op() { return op; }

    public List<Variable> inputs() { return inputs; }

    public Variable input(int i) { return inputs.get(i); }

    public List<Variable> outputs() { return outputs; }

    public Variable output(int i) { return outputs.get(i); }

    /** The first output, for single-output ops. */
    public Variable out() { return outputs.get(0); }

    @Override
    public String toString() {
        return op + inputs.toString();
    }
}
