package org.gradaudit.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradaudit.core.graph.Graphs;
import org.gradaudit.core.ops.GradientOps;

/**
 * Symbolic differentiation with the semantics of Theano's {@code theano.gradient}.
 *
 * <p>{@link #grad} is reverse mode (L-op = VJP = pullback) from a scalar cost; {@link #lop} seeds
 * it with known output gradients; {@link #rop} is forward mode (R-op = JVP = pushforward). All
 * results are graph: differentiate them again for higher orders, compile them with
 * {@link Function}.
 *
 * <p>The algorithm of {@code grad} is Theano's: a connectivity pass over each op's connection
 * pattern, then memoised backpropagation over exactly the nodes between the wrt and the cost, with
 * zero ({@link DisconnectedType}) and undefined ({@link NullType}) gradients handled here, once,
 * so that op rules stay short. Differences from Theano, all deliberate: the walks are iterative
 * (no recursion limit); a {@link DisconnectedInputError} keeps the sentence naming the variable; a
 * disconnected wrt is reported once, naming the wrt; a term already named by its op is not
 * renamed {@code (dcost/dx)}.
 */
public final class Gradient {
    private Gradient() {}

    static final String DISCONNECTED_MESSAGE = "grad method was asked to compute the gradient with respect to a"
            + " variable that is not part of the computational graph of the cost, or is used only by a"
            + " non-differentiable operator: ";

    // ------------------------------------------------------------------------------------------
    // grad

    /** The gradient of a scalar {@code cost} with respect to one variable. */
    public static Variable grad(Variable cost, Variable wrt) {
        return grad(cost, wrt, GradOptions.DEFAULTS);
    }

    public static Variable grad(Variable cost, Variable wrt, GradOptions options) {
        return grad(cost, Collections.singletonList(wrt), options).get(0);
    }

    /** The gradients of a scalar {@code cost} with respect to each variable of {@code wrt}. */
    public static List<Variable> grad(Variable cost, List<Variable> wrt) {
        return grad(cost, wrt, GradOptions.DEFAULTS);
    }

    /**
     * The gradients of {@code cost} (a scalar, or null when {@code options.knownGrads()} seeds the
     * backward pass) with respect to each variable of {@code wrt}. Entries are null only with
     * {@link ReturnDisconnected#NONE}.
     */
    public static List<Variable> grad(Variable cost, List<Variable> wrt, GradOptions options) {
        return new Backprop(cost, wrt, options, false).run();
    }

    // ------------------------------------------------------------------------------------------
    // Lop / Rop

    /**
     * The L-operator: {@code L[j] = sum_i evalPoints[i]^T d f[i] / d wrt[j]}, a vector-Jacobian
     * product. {@code evalPoints[i]} has the shape of {@code f[i]}; the result has the shapes of wrt.
     */
    public static List<Variable> lop(List<Variable> f, List<Variable> wrt, List<Variable> evalPoints) {
        return lop(f, wrt, evalPoints, GradOptions.DEFAULTS);
    }

    public static Variable lop(Variable f, Variable wrt, Variable evalPoint) {
        return lop(List.of(f), List.of(wrt), List.of(evalPoint)).get(0);
    }

    /**
     * L-op with grad's options ({@code considerConstant}, {@code disconnectedInputs}, ...). When
     * one output of f is computed from another, both paths count (unlike Theano's Lop, where the
     * eval point of the inner output replaces the gradient flowing back through it).
     */
    public static List<Variable> lop(List<Variable> f, List<Variable> wrt, List<Variable> evalPoints,
            GradOptions options) {
        if (f.size() != evalPoints.size()) {
            throw new IllegalArgumentException("lop: f has " + f.size() + " variables but evalPoints has "
                    + evalPoints.size() + "; they must be the same length");
        }
        LinkedHashMap<Variable, Variable> known = new LinkedHashMap<>();
        for (int i = 0; i < f.size(); i++) {
            Variable fi = f.get(i);
            Variable ep = evalPoints.get(i);
            if (ep != null && ep.isTensor() && fi.isTensor() && ep.ndim() != fi.ndim()) {
                throw new IllegalArgumentException("lop: element " + i + " of f/evalPoints have mismatched"
                        + " dimensionality: " + fi.ndim() + " (" + fi + ") versus " + ep.ndim() + " (" + ep + ")");
            }
            if (known.containsKey(fi)) {
                throw new IllegalArgumentException("lop: f contains " + fi + " twice");
            }
            known.put(fi, ep);
        }
        return new Backprop(null, wrt, options.toBuilder().knownGrads(known).build(), true).run();
    }

    /**
     * The R-operator: {@code R[i] = sum_j d f[i] / d wrt[j] . evalPoints[j]}, a Jacobian-vector
     * product, through each op's {@link Op#rOp} (or by double L-op, see {@link RopOptions}).
     */
    public static List<Variable> rop(List<Variable> f, List<Variable> wrt, List<Variable> evalPoints) {
        return rop(f, wrt, evalPoints, RopOptions.DEFAULTS);
    }

    public static Variable rop(Variable f, Variable wrt, Variable evalPoint) {
        return rop(List.of(f), List.of(wrt), List.of(evalPoint)).get(0);
    }

    public static List<Variable> rop(List<Variable> f, List<Variable> wrt, List<Variable> evalPoints,
            RopOptions options) {
        return Rop.rop(f, wrt, evalPoints, options);
    }

    // ------------------------------------------------------------------------------------------
    // jacobian, hessian, subgraph_grad, format_as

    /**
     * The Jacobian of {@code expression} with respect to each wrt w: a tensor of shape
     * {@code expression.shape + w.shape} whose element [i..., j...] is d expression[i...] / d w[j...];
     * for a scalar expression, the gradient. {@code options} supplies considerConstant and
     * disconnectedInputs (under IGNORE a disconnected wrt gets zeros of the full shape). Rows are
     * computed one at a time; see {@link #jacobian(Variable, List, GradOptions, boolean)}.
     */
    public static List<Variable> jacobian(Variable expression, List<Variable> wrt, GradOptions options) {
        return Jacobians.jacobian(expression, wrt, options, false);
    }

    /**
     * The Jacobian, with {@code vectorize} computing all rows at once as one batched L-op with an
     * identity cotangent (the graph-vectorization transform) instead of a loop over rows.
     */
    public static List<Variable> jacobian(Variable expression, List<Variable> wrt, GradOptions options,
            boolean vectorize) {
        return Jacobians.jacobian(expression, wrt, options, vectorize);
    }

    public static List<Variable> jacobian(Variable expression, List<Variable> wrt) {
        return jacobian(expression, wrt, GradOptions.DEFAULTS);
    }

    public static Variable jacobian(Variable expression, Variable wrt) {
        return jacobian(expression, List.of(wrt)).get(0);
    }

    /**
     * The Hessian of a scalar cost with respect to each vector in wrt separately (diagonal blocks
     * only, as in Theano). The inner differentiation ignores disconnection, so a linear cost gives
     * a zero Hessian.
     */
    public static List<Variable> hessian(Variable cost, List<Variable> wrt, GradOptions options) {
        return Jacobians.hessian(cost, wrt, options);
    }

    public static Variable hessian(Variable cost, Variable wrt) {
        return hessian(cost, List.of(wrt), GradOptions.DEFAULTS).get(0);
    }

    /** {@code H p}: the gradient of {@code sum_i <grad_i, p_i>} (PyTensor's hessian_vector_product). */
    public static List<Variable> hessianVectorProduct(Variable cost, List<Variable> wrt, List<Variable> p,
            GradOptions options) {
        return Jacobians.hessianVectorProduct(cost, wrt, p, options);
    }

    public static Variable hessianVectorProduct(Variable cost, Variable wrt, Variable p) {
        return hessianVectorProduct(cost, List.of(wrt), List.of(p), GradOptions.DEFAULTS).get(0);
    }

    /**
     * Backpropagation through one stage of a graph split into stages: gradients with respect to
     * {@code wrt} and to {@code end} (the boundary with the previous stage, treated as constant),
     * from the seeds {@code start} (known gradients, ordered) and/or a {@code cost}. The end
     * gradients are the start seeds of the previous stage. Unlike Theano, the details come in the
     * order wrt then end (not a set's order).
     */
    public static SubgraphGrads subgraphGrad(List<Variable> wrt, List<Variable> end, Map<Variable, Variable> start,
            Variable cost, boolean details) {
        if (cost == null && (start == null || start.isEmpty())) {
            throw new IllegalArgumentException("subgraphGrad: cost or start must be specified.");
        }
        if (wrt == null || end == null) {
            throw new IllegalArgumentException("subgraphGrad: " + (wrt == null ? "wrt" : "end") + " must be a list.");
        }
        List<Variable> params = new ArrayList<>();
        java.util.Set<Variable> seen = Graphs.identitySet();
        for (Variable v : wrt) {
            if (seen.add(v)) {
                params.add(v);
            }
        }
        for (Variable v : end) {
            if (seen.add(v)) {
                params.add(v);
            }
        }
        GradOptions base = GradOptions.builder().considerConstant(end).disconnectedInputs(DisconnectedInputs.IGNORE).build();
        List<Variable> startGrads = null;
        if (start != null && !start.isEmpty()) {
            startGrads = grad(null, params, base.toBuilder().knownGrads(start).build());
        }
        List<Variable> costGrads = cost == null ? null : grad(cost, params, base);
        List<Variable> grads;
        if (startGrads == null) {
            grads = costGrads;
        } else if (costGrads == null) {
            grads = startGrads;
        } else {
            grads = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                grads.add(T.add(startGrads.get(i), costGrads.get(i)));
            }
        }
        Map<Variable, Variable> byParam = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            byParam.put(params.get(i), grads.get(i));
        }
        List<Variable> wrtGrads = new ArrayList<>();
        for (Variable v : wrt) {
            wrtGrads.add(byParam.get(v));
        }
        List<Variable> endGrads = new ArrayList<>();
        for (Variable v : end) {
            endGrads.add(byParam.get(v));
        }
        return new SubgraphGrads(Collections.unmodifiableList(wrtGrads), Collections.unmodifiableList(endGrads),
                details ? startGrads : null, details ? costGrads : null);
    }

    /**
     * Theano's {@code format_as}: with {@code useList}, outputs as a mutable list (a single value
     * wrapped); with {@code useTuple}, as an unmodifiable list (Java has no tuples); with neither,
     * a one-element list or array is unwrapped and anything else returned unchanged.
     */
    public static Object formatAs(boolean useList, boolean useTuple, Object outputs) {
        if (useList && useTuple) {
            throw new IllegalArgumentException("Both flags cannot be simultaneously True");
        }
        boolean sequence = outputs instanceof List || outputs instanceof Object[];
        List<?> asList = outputs instanceof Object[] ? Arrays.asList((Object[]) outputs)
                : outputs instanceof List ? (List<?>) outputs : null;
        if (useList || useTuple) {
            List<Object> r = new ArrayList<>();
            if (sequence) {
                r.addAll(asList);
            } else {
                r.add(outputs);
            }
            return useList ? r : Collections.unmodifiableList(r);
        }
        if (sequence) {
            if (asList.size() != 1) {
                throw new IllegalArgumentException("Wrong arguments; expected a one element list, got " + asList.size()
                        + " elements");
            }
            return asList.get(0);
        }
        return outputs;
    }

    // ------------------------------------------------------------------------------------------
    // Gradient-modifying identities and placeholders

    /** Forward identity whose gradient is zero; the path stays connected. */
    public static Variable zeroGrad(Variable x) {
        return new GradientOps.ZeroGrad().makeNode(x).out();
    }

    /** Forward identity that backprop does not go through (gradient disconnected). */
    public static Variable disconnectedGrad(Variable x) {
        return new GradientOps.DisconnectedGrad().makeNode(x).out();
    }

    /** Forward identity whose gradient is undefined. */
    public static Variable undefinedGrad(Variable x) {
        return new GradientOps.UndefinedGrad().makeNode(x).out();
    }

    /** Forward identity whose gradient is clipped elementwise to [lo, hi]. */
    public static Variable gradClip(Variable x, double lo, double hi) {
        return new GradientOps.GradClip(lo, hi).makeNode(x).out();
    }

    /** Forward identity whose gradient is multiplied by {@code multiplier}. */
    public static Variable gradScale(Variable x, double multiplier) {
        return new GradientOps.GradScale(multiplier).makeNode(x).out();
    }

    /**
     * Deprecated: use {@link #zeroGrad} or {@link #disconnectedGrad}. Forward identity whose
     * gradient is zero. Emits a warning, as Theano does.
     */
    @Deprecated
    public static Variable considerConstant(Variable x) {
        System.getLogger(Gradient.class.getName()).log(System.Logger.Level.WARNING,
                "considerConstant() is deprecated, use zeroGrad() or disconnectedGrad() instead.");
        return new GradientOps.ConsiderConstant().makeNode(x).out();
    }

    /** A NullType gradient term: the gradient of input {@code xPos} of {@code op} is not implemented. */
    public static Variable gradNotImplemented(Op op, int xPos, Variable x, String comment) {
        return new NullType("This variable is Null because the grad method for input " + xPos + " (" + x
                + ") of the " + op + " op is not implemented. " + (comment == null ? "" : comment)).make();
    }

    /** A NullType gradient term: the gradient of input {@code xPos} of {@code op} is mathematically undefined. */
    public static Variable gradUndefined(Op op, int xPos, Variable x, String comment) {
        return new NullType("This variable is Null because the grad method for input " + xPos + " (" + x
                + ") of the " + op + " op is mathematically undefined. " + (comment == null ? "" : comment)).make();
    }

    /** Theano's {@code _float_ones_like}: ones of x's shape, x's dtype if float else floatX. */
    static Variable floatOnesLike(Variable x) {
        return T.onesLike(x, x.dtype().isFloat() ? x.dtype() : DType.FLOATX);
    }

    /** Theano's {@code _float_zeros_like}: a fill of x with 0, x's dtype if float else floatX. */
    static Variable floatZerosLike(Variable x) {
        return T.zerosLike(x, x.dtype().isFloat() ? x.dtype() : DType.FLOATX);
    }

    /** Theano's {@code _is_zero}: YES, NO or MAYBE. */
    enum Zero { YES, NO, MAYBE }

    static Zero isZero(Variable x) {
        if (NullType.is(x)) {
            return Zero.NO;
        }
        if (DisconnectedType.is(x)) {
            return Zero.YES;
        }
        Double c = Graphs.scalarConstantValue(x);
        return c == null ? Zero.MAYBE : c == 0.0 ? Zero.YES : Zero.NO;
    }

    // ------------------------------------------------------------------------------------------
    // the backward pass

    /** One call of grad: Theano's {@code grad}, {@code _populate_var_to_app_to_idx} and {@code _populate_grad_dict}. */
    private static final class Backprop {
        private final Variable cost;
        private final List<Variable> wrt;
        private final GradOptions options;
        /** var -> (consumer node -> input positions), only for vars on a path wrt -> outputs. */
        private final Map<Variable, Map<Apply, List<Integer>>> varToAppToIdx = new LinkedHashMap<>();
        private final Map<Variable, Variable> gradDict = new LinkedHashMap<>();
        /** The cost's seed and the known gradients: added to what flows back from consumers. */
        private final Map<Variable, Variable> seeds = new LinkedHashMap<>();
        /**
         * False for grad (Theano's known_grads: a seed is the total derivative and replaces what
         * flows back through the variable); true for lop, whose definition sum_i e_i^T J_i adds
         * the paths through a seeded output that reach another seeded output.
         */
        private final boolean additive;
        private final Map<Apply, List<Variable>> termDict = new IdentityHashMap<>();
        private final Map<Apply, boolean[][]> patterns = new IdentityHashMap<>();
        private final Set<Variable> reported = Graphs.identitySet();
        private String costName;

        Backprop(Variable cost, List<Variable> wrt, GradOptions options, boolean additive) {
            this.additive = additive;
            this.cost = cost;
            this.wrt = wrt;
            this.options = options;
        }

        List<Variable> run() {
            Map<Variable, Variable> known = options.knownGrads();
            if (cost == null && known.isEmpty()) {
                throw new IllegalArgumentException("cost and knownGrads can't both be null.");
            }
            if (cost != null) {
                if (NullType.is(cost)) {
                    throw new IllegalArgumentException("Can't differentiate a NaN cost. Cost is NaN because "
                            + ((NullType) cost.type()).whyNull());
                }
                if (!cost.isTensor() || cost.ndim() != 0) {
                    throw new IllegalArgumentException("cost must be a scalar; " + cost + " has type " + cost.type());
                }
            }
            if (wrt == null) {
                throw new IllegalArgumentException("wrt must be a variable or a list of variables, got null");
            }
            for (int i = 0; i < wrt.size(); i++) {
                if (wrt.get(i) == null) {
                    throw new IllegalArgumentException("wrt[" + i + "] is null; expected a Variable");
                }
            }
            List<Variable> outputs = new ArrayList<>();
            if (cost != null) {
                outputs.add(cost);
            }
            outputs.addAll(known.keySet());
            populateVarToAppToIdx(outputs);

            if (cost != null) {
                Variable gCost = known.containsKey(cost) ? known.get(cost) : floatOnesLike(cost);
                if (gCost != null && gCost.isTensor() && cost.dtype().isFloat() && gCost.dtype() != cost.dtype()) {
                    gCost = T.cast(gCost, cost.dtype());
                }
                seeds.put(cost, gCost);
            }
            for (Map.Entry<Variable, Variable> e : known.entrySet()) {
                Variable g = e.getValue();
                if (g == null) {
                    throw new IllegalArgumentException("knownGrads: the gradient given for " + e.getKey()
                            + " is null; output grads must be variables");
                }
                if (g.isTensor() && !g.dtype().isFloat()) {
                    throw new IllegalArgumentException("Gradients must always be NullType, DisconnectedType, or"
                            + " float, but knownGrads gave " + e.getKey() + " a gradient of type " + g.type());
                }
                seeds.put(e.getKey(), g);
            }
            for (Variable w : wrt) {
                if (!varToAppToIdx.containsKey(w) && w != cost && !seeds.containsKey(w)) {
                    handleDisconnected(w);
                    gradDict.put(w, DisconnectedType.create());
                }
            }
            costName = options.addNames() && cost != null ? cost.name() : null;
            computeGrads(wrt);

            List<Variable> rval = new ArrayList<>(wrt.size());
            for (int i = 0; i < wrt.size(); i++) {
                Variable g = gradDict.containsKey(wrt.get(i)) ? gradDict.get(wrt.get(i)) : seeds.get(wrt.get(i));
                if (NullType.is(g) && options.nullGradients() == NullGradients.RAISE) {
                    throw new NullTypeGradError("grad encountered a NaN. " + ((NullType) g.type()).whyNull());
                }
                if (DisconnectedType.is(g)) {
                    handleDisconnected(wrt.get(i));
                    switch (options.returnDisconnected()) {
                        case ZERO: g = floatZerosLike(wrt.get(i)); break;
                        case NONE: g = null; break;
                        default: break;
                    }
                }
                rval.add(g);
            }
            return Collections.unmodifiableList(rval);
        }

        private void handleDisconnected(Variable var) {
            if (!reported.add(var)) {
                return;                      // Theano reports an initially disconnected wrt twice
            }
            String message = DISCONNECTED_MESSAGE + var;
            switch (options.disconnectedInputs()) {
                case IGNORE: return;
                case WARN: options.warn(message); return;
                default: throw new DisconnectedInputError(message, var);
            }
        }

        private boolean[][] pattern(Apply node) {
            return patterns.computeIfAbsent(node, Backprop::nodeToPattern);
        }

        /** The node's connection pattern, validated; all-true when the op defines none. */
        static boolean[][] nodeToPattern(Apply node) {
            boolean[][] cp = node.op().connectionPattern(node);
            int ni = node.inputs().size();
            int no = node.outputs().size();
            if (cp == null) {
                boolean[][] all = new boolean[ni][no];
                for (boolean[] row : all) {
                    Arrays.fill(row, true);
                }
                return all;
            }
            if (cp.length != ni) {
                throw new OpContractError(node.op(), -1, node.op() + ".connectionPattern should have " + ni
                        + " rows (one per input) but has " + cp.length + ".");
            }
            for (int i = 0; i < ni; i++) {
                if (cp[i] == null || cp[i].length != no) {
                    throw new OpContractError(node.op(), i, node.op() + ".connectionPattern row " + i + " should have "
                            + no + " entries (one per output) but has " + (cp[i] == null ? "null" : cp[i].length) + ".");
                }
            }
            return cp;
        }

        /**
         * Theano's {@code _populate_var_to_app_to_idx}: a depth-first walk down from the outputs
         * along connected edges (not past considerConstant variables), then a walk up from each
         * wrt; variables the second walk does not reach are dropped. Iterative, same visit order
         * as Theano's recursion, so term lists have Theano's order.
         */
        private void populateVarToAppToIdx(List<Variable> outputs) {
            Set<Variable> constants = Graphs.identitySet();
            constants.addAll(options.considerConstant());
            Set<Variable> accountedFor = Graphs.identitySet();
            for (Variable o : outputs) {
                Deque<Object[]> stack = new ArrayDeque<>();       // frames: {var, next input position}
                if (!enter(o, accountedFor, constants)) {
                    continue;
                }
                stack.push(new Object[] {o, 0});
                while (!stack.isEmpty()) {
                    Object[] frame = stack.peek();
                    Variable var = (Variable) frame[0];
                    Apply app = var.owner();
                    int i = (Integer) frame[1];
                    if (app == null || i >= app.inputs().size()) {
                        stack.pop();
                        continue;
                    }
                    frame[1] = i + 1;
                    boolean[][] cp = pattern(app);
                    if (!cp[i][var.index()]) {
                        continue;
                    }
                    Variable ipt = app.input(i);
                    List<Integer> idx = varToAppToIdx.computeIfAbsent(ipt, k -> new LinkedHashMap<>())
                            .computeIfAbsent(app, k -> new ArrayList<>());
                    if (!idx.contains(i)) {
                        idx.add(i);
                    }
                    if (enter(ipt, accountedFor, constants)) {
                        stack.push(new Object[] {ipt, 0});
                    }
                }
            }
            Set<Variable> visited = Graphs.identitySet();
            Deque<Variable> work = new ArrayDeque<>();
            for (Variable w : wrt) {
                work.push(w);
                while (!work.isEmpty()) {
                    Variable var = work.pop();
                    if (visited.contains(var) || !varToAppToIdx.containsKey(var)) {
                        continue;
                    }
                    visited.add(var);
                    for (Map.Entry<Apply, List<Integer>> e : varToAppToIdx.get(var).entrySet()) {
                        boolean[][] cp = pattern(e.getKey());
                        for (int idx : e.getValue()) {
                            for (int j = 0; j < e.getKey().outputs().size(); j++) {
                                if (cp[idx][j]) {
                                    work.push(e.getKey().output(j));
                                }
                            }
                        }
                    }
                }
            }
            varToAppToIdx.keySet().retainAll(visited);
        }

        /** Marks var accounted for; true when its owner's inputs should be walked. */
        private static boolean enter(Variable var, Set<Variable> accountedFor, Set<Variable> constants) {
            if (!accountedFor.add(var)) {
                return false;
            }
            return !constants.contains(var) && var.owner() != null;
        }

        /**
         * Computes {@code gradDict} for the wrt, demand-driven like Theano's memoised recursion but
         * with an explicit stack: a variable's gradient needs the terms of its consumer nodes; a
         * node's terms need the gradients of all its outputs.
         */
        private void computeGrads(List<Variable> targets) {
            Deque<Object> stack = new ArrayDeque<>();
            for (Variable w : targets) {
                stack.push(w);
                while (!stack.isEmpty()) {
                    Object top = stack.peek();
                    if (top instanceof Variable) {
                        Variable var = (Variable) top;
                        if (!additive && !gradDict.containsKey(var) && seeds.containsKey(var)) {
                            gradDict.put(var, seeds.get(var));
                        }
                        if (gradDict.containsKey(var)) {
                            stack.pop();
                            continue;
                        }
                        Map<Apply, List<Integer>> consumers = varToAppToIdx.get(var);
                        boolean ready = true;
                        if (consumers != null) {
                            List<Apply> nodes = new ArrayList<>(consumers.keySet());
                            for (int k = nodes.size() - 1; k >= 0; k--) {
                                if (!termDict.containsKey(nodes.get(k))) {
                                    stack.push(nodes.get(k));
                                    ready = false;
                                }
                            }
                        }
                        if (ready) {
                            stack.pop();
                            gradDict.put(var, sumTerms(var, consumers, seeds.get(var)));
                        }
                    } else {
                        Apply node = (Apply) top;
                        if (termDict.containsKey(node)) {
                            stack.pop();
                            continue;
                        }
                        boolean ready = true;
                        List<Variable> outs = node.outputs();
                        for (int k = outs.size() - 1; k >= 0; k--) {
                            Variable o = outs.get(k);
                            if (!gradDict.containsKey(o)) {
                                if (varToAppToIdx.containsKey(o)) {
                                    stack.push(o);
                                    ready = false;
                                } else {
                                    gradDict.put(o, seeds.containsKey(o) ? seeds.get(o) : DisconnectedType.create());
                                }
                            }
                        }
                        if (ready) {
                            stack.pop();
                            termDict.put(node, computeTerms(node));
                        }
                    }
                }
            }
        }

        /**
         * Theano's {@code access_grad_cache} body: the sum of the terms from each consumer, plus the
         * seed in additive mode (lop). Theano's Lop lets the seed replace the terms, which drops the
         * paths through a seeded output that reach another seeded output (lop([y, z], ...) with z
         * computed from y); lop here adds them, as its definition sum_i e_i^T J_i requires.
         */
        private Variable sumTerms(Variable var, Map<Apply, List<Integer>> consumers, Variable seed) {
            if (consumers == null) {
                return seed != null ? seed : DisconnectedType.create();
            }
            Variable firstNull = null;
            List<Variable> terms = new ArrayList<>();
            if (seed != null) {
                if (NullType.is(seed)) {
                    firstNull = seed;
                } else if (!DisconnectedType.is(seed)) {
                    terms.add(seed);
                }
            }
            for (Map.Entry<Apply, List<Integer>> e : consumers.entrySet()) {
                for (int idx : e.getValue()) {
                    Variable term = termDict.get(e.getKey()).get(idx);
                    if (NullType.is(term)) {
                        if (firstNull == null) {
                            firstNull = term;
                        }
                    } else if (!DisconnectedType.is(term)) {
                        terms.add(term);
                    }
                }
            }
            Variable g;
            if (firstNull != null) {
                g = firstNull;                                 // an undefined term poisons the sum
            } else if (!terms.isEmpty()) {
                g = terms.get(0);
                for (int k = 1; k < terms.size(); k++) {
                    g = T.add(g, terms.get(k));
                }
            } else {
                g = DisconnectedType.create();
            }
            if (costName != null && var.name() != null && g.name() == null && g != seed) {
                g.setName("(d" + costName + "/d" + var.name() + ")");
            }
            return g;
        }

        /** Theano's {@code access_term_cache} body: one gradient term per input of {@code node}. */
        private List<Variable> computeTerms(Apply node) {
            Op op = node.op();
            List<Variable> outs = node.outputs();
            List<Variable> ins = node.inputs();
            int no = outs.size();
            int ni = ins.size();
            List<Variable> outputGrads = new ArrayList<>(no);
            for (Variable o : outs) {
                outputGrads.add(gradDict.get(o));
            }
            boolean[][] cp = pattern(node);
            boolean[] outConnected = new boolean[no];
            boolean[] outIsInt = new boolean[no];
            boolean[] ogradIsNan = new boolean[no];
            for (int j = 0; j < no; j++) {
                outConnected[j] = !DisconnectedType.is(outputGrads.get(j));
                outIsInt[j] = outs.get(j).isTensor() && outs.get(j).dtype().isDiscrete();
                ogradIsNan[j] = NullType.is(outputGrads.get(j));
            }
            boolean[] inConnected = new boolean[ni];
            boolean[] onlyToNan = new boolean[ni];
            boolean[] onlyToInt = new boolean[ni];
            boolean anyConnected = false;
            boolean allOnlyNan = true;
            for (int i = 0; i < ni; i++) {
                boolean toNonNan = false;
                boolean toNonInt = false;
                for (int j = 0; j < no; j++) {
                    if (cp[i][j] && outConnected[j]) {
                        inConnected[i] = true;
                        toNonNan |= !ogradIsNan[j];
                        toNonInt |= !outIsInt[j];
                    }
                }
                onlyToNan[i] = !toNonNan;
                // Theano also applies this to unconnected inputs (vacuously true); there the
                // connection-pattern error below is the one that names the real fault
                onlyToInt[i] = inConnected[i] && !toNonInt;
                anyConnected |= inConnected[i];
                allOnlyNan &= onlyToNan[i];
            }
            List<Variable> inputGrads = new ArrayList<>(ni);
            if (!anyConnected) {
                for (int i = 0; i < ni; i++) {
                    inputGrads.add(DisconnectedType.create());
                }
                return inputGrads;
            }
            if (allOnlyNan) {
                for (int i = 0; i < ni; i++) {
                    inputGrads.add(inConnected[i] ? new NullType().make() : DisconnectedType.create());
                }
            } else {
                List<Variable> newOutputGrads = new ArrayList<>(no);
                for (int j = 0; j < no; j++) {
                    Variable og = outputGrads.get(j);
                    Variable o = outs.get(j);
                    if (o.isTensor() && og.isTensor() && !o.dtype().isDiscrete() && o.dtype() != og.dtype()) {
                        og = T.cast(og, o.dtype());
                    }
                    newOutputGrads.add(og);
                }
                List<Variable> returned = op.lOp(ins, outs, Collections.unmodifiableList(newOutputGrads));
                if (returned == null) {
                    throw new OpContractError(op, -1, op + ".grad returned null, expected a list with one term per input.");
                }
                if (returned.size() != ni) {
                    throw new OpContractError(op, -1, op + " returned the wrong number of gradient terms: "
                            + returned.size() + " for " + ni + " inputs.");
                }
                inputGrads.addAll(returned);
            }
            // an input that feeds an output whose gradient is undefined gets that NullType (with its why)
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < no; j++) {
                    if (ogradIsNan[j] && cp[i][j] && inputGrads.get(i) != null && !DisconnectedType.is(inputGrads.get(i))) {
                        inputGrads.set(i, outputGrads.get(j));
                    }
                }
            }
            for (int i = 0; i < ni; i++) {
                Variable term = inputGrads.get(i);
                if (term == null) {
                    throw new OpContractError(op, i, op + ".grad returned null for the gradient term of input " + i
                            + "; this is prohibited. Instead of null, return zerosLike(input), DisconnectedType.create(),"
                            + " or a NullType variable such as those made by Gradient.gradUndefined or"
                            + " Gradient.gradNotImplemented.");
                }
                if (NullType.is(term) || DisconnectedType.is(term)) {
                    continue;
                }
                if (!term.isTensor()) {
                    throw new OpContractError(op, i, op + ".grad returned " + term + " of type " + term.type()
                            + " for input " + i + "; expected a tensor, DisconnectedType or NullType.");
                }
                if (!term.dtype().isFloat()) {
                    throw new OpContractError(op, i, op + ".grad illegally returned an integer-valued variable."
                            + " (Input index " + i + ", dtype " + term.dtype() + ")");
                }
                Variable in = ins.get(i);
                if (in.isTensor() && term.ndim() != in.ndim()) {
                    throw new OpContractError(op, i, op + ".grad returned a term with " + term.ndim()
                            + " dimensions for input " + i + ", but " + in.ndim() + " are required.");
                }
                if (onlyToInt[i] && isZero(term) == Zero.NO) {
                    throw new OpContractError(op, i, op + ".grad returned " + term + " of type " + term.type()
                            + " for input " + i + ". Since this input is only connected to integer-valued outputs,"
                            + " it should evaluate to zeros, but it evaluates to " + Graphs.scalarConstantValue(term) + ".");
                }
            }
            boolean definesPattern = op.connectionPattern(node) != null;
            for (int i = 0; i < ni; i++) {
                Variable term = inputGrads.get(i);
                boolean actuallyConnected = !DisconnectedType.is(term);
                if (actuallyConnected && !inConnected[i]) {
                    throw new OpContractError(op, i, op + ".grad returned " + term + " of type " + term.type()
                            + " for input " + i + ". Expected DisconnectedType instance based on the output of the"
                            + " op's connection_pattern method.");
                }
                if (inConnected[i] && !actuallyConnected) {
                    String msg = op + ".grad returned DisconnectedType for input " + i + ".";
                    if (definesPattern) {
                        throw new OpContractError(op, i, msg + " Its connection_pattern method does not allow this.");
                    }
                    options.warn(msg + " You may want to implement a connection_pattern method for it.");
                }
            }
            return inputGrads;
        }
    }
}
