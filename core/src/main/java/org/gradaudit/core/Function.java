package org.gradaudit.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.compile.Compiler;
import org.gradaudit.core.compile.Program;

/**
 * A callable compiled graph: inputs to outputs (Theano's {@code function}). Compilation prunes
 * the graph to what the outputs need, removes the gradient-modifying identities, folds constants,
 * merges duplicates and lowers the rest to a {@link Program}. Serializable: what travels is the
 * program.
 */
public final class Function implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Program program;

    private Function(Program program) {
        this.program = program;
    }

    /** Compiles {@code outputs} as functions of {@code inputs}. */
    public static Function compile(List<Variable> inputs, List<Variable> outputs) {
        return new Function(Compiler.compile(inputs, outputs));
    }

    public static Function compile(List<Variable> inputs, Variable output) {
        return compile(inputs, List.of(output));
    }

    /** Wraps an existing program (for example one read back on an executor). */
    public static Function of(Program program) {
        return new Function(program);
    }

    public Program program() { return program; }

    /** Evaluates every output. */
    public List<NDArray> call(NDArray... args) {
        return Arrays.asList(program.run(args));
    }

    /** Evaluates a single-output function. */
    public NDArray call1(NDArray... args) {
        if (program.nOutputs() != 1) {
            throw new IllegalStateException("call1 needs a single-output function; this one has " + program.nOutputs());
        }
        return program.run(args)[0];
    }

    @Override
    public String toString() {
        return program.toString();
    }
}
