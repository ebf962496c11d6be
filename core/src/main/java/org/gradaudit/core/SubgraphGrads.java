package org.gradaudit.core;

import java.util.List;

/**
 * The result of {@link Gradient#subgraphGrad}: gradients with respect to wrt and to the end
 * variables; with details, also the gradients coming from the start seeds and from the cost
 * (both in the order wrt then end, without repeats).
 */
public final class SubgraphGrads {
    private final List<Variable> wrtGrads;
    private final List<Variable> endGrads;
    private final List<Variable> startGrads;
    private final List<Variable> costGrads;

    SubgraphGrads(List<Variable> wrtGrads, List<Variable> endGrads, List<Variable> startGrads, List<Variable> costGrads) {
        this.wrtGrads = wrtGrads;
        this.endGrads = endGrads;
        this.startGrads = startGrads;
        this.costGrads = costGrads;
    }

    public List<Variable> wrtGrads() { return wrtGrads; }
    public List<Variable> endGrads() { return endGrads; }
    /** Null unless details were asked and a start was given. */
    public List<Variable> startGrads() { return startGrads; }
    /** Null unless details were asked and a cost was given. */
    public List<Variable> costGrads() { return costGrads; }
}
