package org.gradaudit.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.graph.Graphs;

/**
 * Forward mode. Tangents flow from the wrt through each node's {@link Op#rOp} in topological
 * order. Roots that are not wrt carry no tangent ({@link DisconnectedType}), not a zero tensor as
 * in Theano, so an output reached only through non-differentiable paths is reported as
 * disconnected instead of silently zero. Nodes whose inputs all lack tangents, or that receive an
 * undefined (NullType) tangent, are handled here, once, so R-op rules never see either.
 */
final class Rop {
    private Rop() {}

    static final String DISCONNECTED_MESSAGE = "rop method was asked to compute the gradient with respect to a"
            + " variable that is not part of the computational graph of variables in wrt, or is used only by a"
            + " non-differentiable operator: ";

    static List<Variable> rop(List<Variable> f, List<Variable> wrt, List<Variable> evalPoints, RopOptions options) {
        if (wrt.size() != evalPoints.size()) {
            throw new IllegalArgumentException("rop: wrt has " + wrt.size() + " variables but evalPoints has "
                    + evalPoints.size() + "; they must be the same length");
        }
        Map<Variable, Variable> tangents = new IdentityHashMap<>();
        List<Variable> points = new ArrayList<>(wrt.size());
        for (int j = 0; j < wrt.size(); j++) {
            Variable w = wrt.get(j);
            Variable ep = evalPoints.get(j);
            if (w == null || ep == null) {
                throw new IllegalArgumentException("rop: " + (w == null ? "wrt" : "evalPoints") + "[" + j + "] is null");
            }
            if (w.isTensor() && ep.isTensor()) {
                if (w.ndim() != ep.ndim()) {
                    throw new IllegalArgumentException("rop: elements " + j + " of wrt and evalPoints have mismatched"
                            + " dimensionalities: " + w.ndim() + " (" + w + ", " + w.type() + ") and " + ep.ndim()
                            + " (" + ep + ", " + ep.type() + ")");
                }
                if (w.dtype().isFloat() && !ep.dtype().isFloat()) {
                    throw new IllegalArgumentException("rop: element " + j + " of evalPoints (" + ep + ") has dtype "
                            + ep.dtype() + " but wrt " + w + " is " + w.dtype() + "; tangents of float variables must be float");
                }
                if (w.dtype().isFloat() && ep.dtype() != w.dtype()) {
                    ep = T.cast(ep, w.dtype());
                }
            }
            points.add(ep);
            tangents.put(w, ep);
        }
        if (options.useDoubleLop()) {
            return finish(f, doubleLop(f, wrt, points, options), options);
        }
        List<Variable> result = new ArrayList<>(f.size());
        Map<Variable, Variable> computed = new IdentityHashMap<>(tangents);
        for (Apply node : Graphs.toposort(f)) {
            List<Variable> ins = node.inputs();
            List<Variable> inTangents = new ArrayList<>(ins.size());
            boolean any = false;
            Variable undefined = null;
            for (Variable in : ins) {
                Variable t = computed.get(in);
                if (t == null || (in.isTensor() && in.dtype().isDiscrete() && !tangents.containsKey(in))) {
                    t = DisconnectedType.create();
                }
                any |= !DisconnectedType.is(t);
                if (undefined == null && NullType.is(t)) {
                    undefined = t;
                }
                inTangents.add(t);
            }
            List<Variable> outs = node.outputs();
            List<Variable> outTangents = new ArrayList<>();
            if (!any || undefined != null) {
                // no tangent in: none out; an undefined tangent in: undefined out (its reason kept), as grad does
                for (int k = 0; k < outs.size(); k++) {
                    outTangents.add(undefined != null ? undefined : DisconnectedType.create());
                }
            } else {
                outTangents = nodeRop(node, inTangents, options);
            }
            for (int k = 0; k < outs.size(); k++) {
                if (!tangents.containsKey(outs.get(k))) {        // a wrt keeps its own eval point
                    computed.put(outs.get(k), outTangents.get(k));
                }
            }
        }
        for (Variable out : f) {
            Variable t = computed.get(out);
            result.add(t == null ? DisconnectedType.create() : t);
        }
        return finish(f, result, options);
    }

    private static List<Variable> nodeRop(Apply node, List<Variable> inTangents, RopOptions options) {
        Op op = node.op();
        List<Variable> r;
        try {
            r = op.rOp(node.inputs(), node.outputs(), Collections.unmodifiableList(inTangents));
        } catch (Op.RopNotImplementedError e) {
            if (!options.fallbackToDoubleLop()) {
                throw e;
            }
            return doubleLop(node.outputs(), node.inputs(), inTangents, options);
        }
        if (r == null) {
            throw new OpContractError(op, -1, op + ".rOp returned null, expected one tangent per output.");
        }
        if (r.size() != node.outputs().size()) {
            throw new OpContractError(op, -1, op + ".rOp returned " + r.size() + " tangents for "
                    + node.outputs().size() + " outputs.");
        }
        List<Variable> checked = new ArrayList<>(r.size());
        for (int k = 0; k < r.size(); k++) {
            Variable t = r.get(k);
            Variable out = node.output(k);
            if (t == null) {
                throw new OpContractError(op, k, op + ".rOp returned null for output " + k
                        + "; return DisconnectedType.create() for an output without tangent.");
            }
            if (t.isTensor() && out.isTensor()) {
                if (t.ndim() != out.ndim()) {
                    throw new OpContractError(op, k, op + ".rOp returned a tangent with " + t.ndim()
                            + " dimensions for output " + k + ", which has " + out.ndim() + ".");
                }
                if (out.dtype().isFloat() && t.dtype() != out.dtype()) {
                    t = T.cast(t, out.dtype());
                }
            }
            checked.add(t);
        }
        return checked;
    }

    /**
     * J v by two L-ops: {@code g = lop(f, wrt, u)} is linear in the dummy cotangents u, and
     * {@code lop(g, u, v) = J v}. Disconnected tangents are dropped first.
     */
    private static List<Variable> doubleLop(List<Variable> f, List<Variable> wrt, List<Variable> v, RopOptions options) {
        List<Variable> w = new ArrayList<>();
        List<Variable> vv = new ArrayList<>();
        for (int j = 0; j < wrt.size(); j++) {
            if (!DisconnectedType.is(v.get(j)) && wrt.get(j).isTensor() && wrt.get(j).dtype().isFloat()) {
                w.add(wrt.get(j));
                vv.add(v.get(j));
            }
        }
        List<Variable> result = new ArrayList<>(f.size());
        if (w.isEmpty()) {
            for (int k = 0; k < f.size(); k++) {
                result.add(DisconnectedType.create());
            }
            return result;
        }
        List<Variable> fl = new ArrayList<>();
        List<Variable> u = new ArrayList<>();
        for (Variable out : f) {
            if (out.isTensor() && out.dtype().isFloat()) {
                fl.add(out);
                u.add(T.zerosLike(out));
            }
        }
        GradOptions first = GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE)
                .returnDisconnected(ReturnDisconnected.DISCONNECTED).nullGradients(NullGradients.RETURN)
                .warnings(options.warningHandler()).build();
        List<Variable> g = fl.isEmpty() ? List.of() : Gradient.lop(fl, w, u, first);
        List<Variable> gl = new ArrayList<>();
        List<Variable> vl = new ArrayList<>();
        for (int j = 0; j < g.size(); j++) {
            if (NullType.is(g.get(j))) {
                for (int k = 0; k < f.size(); k++) {
                    result.add(g.get(j));
                }
                return result;
            }
            if (!DisconnectedType.is(g.get(j))) {
                gl.add(g.get(j));
                vl.add(vv.get(j));
            }
        }
        List<Variable> jv = gl.isEmpty() ? null : Gradient.lop(gl, u, vl, first);
        int ui = 0;
        for (Variable out : f) {
            if (jv != null && out.isTensor() && out.dtype().isFloat()) {
                result.add(jv.get(ui++));
            } else {
                result.add(DisconnectedType.create());
            }
        }
        return result;
    }

    private static List<Variable> finish(List<Variable> f, List<Variable> tangents, RopOptions options) {
        List<Variable> result = new ArrayList<>(f.size());
        for (int i = 0; i < f.size(); i++) {
            Variable t = tangents.get(i);
            if (NullType.is(t) && options.nullGradients() == NullGradients.RAISE) {
                throw new NullTypeGradError("rop encountered a NaN. " + ((NullType) t.type()).whyNull());
            }
            if (DisconnectedType.is(t)) {
                String message = DISCONNECTED_MESSAGE + f.get(i);
                switch (options.disconnectedOutputs()) {
                    case IGNORE: break;
                    case WARN: options.warn(message); break;
                    default: throw new DisconnectedInputError(message, f.get(i));
                }
                switch (options.returnDisconnected()) {
                    case ZERO: t = Gradient.floatZerosLike(f.get(i)); break;
                    case NONE: t = null; break;
                    default: break;
                }
            }
            result.add(t);
        }
        return Collections.unmodifiableList(result);
    }
}
