package org.gradaudit.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * Options of {@link Gradient#grad}, with Theano's defaults: no considerConstant,
 * disconnectedInputs RAISE, addNames true, no knownGrads, returnDisconnected ZERO, nullGradients
 * RAISE. Warnings go to the {@code org.gradaudit.core.Gradient} platform logger unless a handler
 * is given.
 */
public final class GradOptions {
    /** The defaults. */
    public static final GradOptions DEFAULTS = builder().build();

    private final List<Variable> considerConstant;
    private final DisconnectedInputs disconnectedInputs;
    private final boolean addNames;
    private final Map<Variable, Variable> knownGrads;
    private final ReturnDisconnected returnDisconnected;
    private final NullGradients nullGradients;
    private final Consumer<String> warnings;

    private GradOptions(Builder b) {
        this.considerConstant = Collections.unmodifiableList(new ArrayList<>(b.considerConstant));
        this.disconnectedInputs = b.disconnectedInputs;
        this.addNames = b.addNames;
        this.knownGrads = Collections.unmodifiableMap(new LinkedHashMap<>(b.knownGrads));
        this.returnDisconnected = b.returnDisconnected;
        this.nullGradients = b.nullGradients;
        this.warnings = b.warnings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.considerConstant.addAll(considerConstant);
        b.disconnectedInputs = disconnectedInputs;
        b.addNames = addNames;
        b.knownGrads.putAll(knownGrads);
        b.returnDisconnected = returnDisconnected;
        b.nullGradients = nullGradients;
        b.warnings = warnings;
        return b;
    }

    public List<Variable> considerConstant() { return considerConstant; }
    public DisconnectedInputs disconnectedInputs() { return disconnectedInputs; }
    public boolean addNames() { return addNames; }
    public Map<Variable, Variable> knownGrads() { return knownGrads; }
    public ReturnDisconnected returnDisconnected() { return returnDisconnected; }
    public NullGradients nullGradients() { return nullGradients; }

    void warn(String message) {
        if (warnings != null) {
            warnings.accept(message);
        } else {
            System.getLogger(Gradient.class.getName()).log(System.Logger.Level.WARNING, message);
        }
    }

    Consumer<String> warningHandler() { return warnings; }

    public static final class Builder {
        private final List<Variable> considerConstant = new ArrayList<>();
        private DisconnectedInputs disconnectedInputs = DisconnectedInputs.RAISE;
        private boolean addNames = true;
        private final Map<Variable, Variable> knownGrads = new LinkedHashMap<>();
        private ReturnDisconnected returnDisconnected = ReturnDisconnected.ZERO;
        private NullGradients nullGradients = NullGradients.RAISE;
        private Consumer<String> warnings;

        private Builder() {}

        /** Variables whose ancestors backprop does not visit (their own gradient is still computed). */
        public Builder considerConstant(Collection<? extends Variable> vars) {
            Objects.requireNonNull(vars, "considerConstant must be a collection of variables, got null");
            int i = 0;
            for (Variable v : vars) {
                if (v == null) {
                    throw new IllegalArgumentException("considerConstant: element " + i + " is null; elements must be variables");
                }
                considerConstant.add(v);
                i++;
            }
            return this;
        }

        public Builder considerConstant(Variable... vars) {
            return considerConstant(java.util.Arrays.asList(vars));
        }

        public Builder disconnectedInputs(DisconnectedInputs v) {
            this.disconnectedInputs = Objects.requireNonNull(v, "disconnectedInputs");
            return this;
        }

        /** Name gradients {@code (dcost/dx)} when both have names (default true). */
        public Builder addNames(boolean v) {
            this.addNames = v;
            return this;
        }

        /**
         * Gradients already known for some variables (seeds). The map's iteration order is the
         * order in which terms are summed, so a map with more than one entry must have a defined
         * order (a {@link LinkedHashMap} or a {@link SortedMap}), as Theano requires an OrderedDict.
         */
        public Builder knownGrads(Map<Variable, Variable> map) {
            Objects.requireNonNull(map, "knownGrads");
            if (map.size() > 1 && !(map instanceof LinkedHashMap) && !(map instanceof SortedMap)) {
                throw new IllegalArgumentException("knownGrads must be an ordered map (LinkedHashMap) when it has"
                        + " more than one entry; got a " + map.getClass().getSimpleName()
                        + ", whose order (and so the order of the gradient sum) is undefined");
            }
            for (Map.Entry<Variable, Variable> e : map.entrySet()) {
                if (e.getKey() == null) {
                    throw new IllegalArgumentException("knownGrads: a key is null");
                }
                knownGrads.put(e.getKey(), e.getValue());
            }
            return this;
        }

        /** Adds one known gradient (order of calls is kept). */
        public Builder knownGrad(Variable var, Variable gradient) {
            knownGrads.put(Objects.requireNonNull(var, "var"), gradient);
            return this;
        }

        public Builder returnDisconnected(ReturnDisconnected v) {
            this.returnDisconnected = Objects.requireNonNull(v, "returnDisconnected");
            return this;
        }

        public Builder nullGradients(NullGradients v) {
            this.nullGradients = Objects.requireNonNull(v, "nullGradients");
            return this;
        }

        /** Receives warnings instead of the platform logger (for tests and tools). */
        public Builder warnings(Consumer<String> handler) {
            this.warnings = handler;
            return this;
        }

        public GradOptions build() {
            return new GradOptions(this);
        }
    }
}
