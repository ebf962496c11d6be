package org.gradaudit.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.graph.Graphs;
import org.gradaudit.core.ops.AxisReduction;
import org.gradaudit.core.ops.Cast;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.LogSoftmax;
import org.gradaudit.core.ops.Std;
import org.gradaudit.core.ops.Sum;
import org.gradaudit.core.ops.Var;

/**
 * The portable graph format: a JSON file that names every node's op by its {@link OpRegistry}
 * name (the expression language's function names), so that loading rebuilds the graph through
 * the {@link org.gradaudit.core.T} façade, with its type checks, on any JVM.
 *
 * <pre>
 * {
 *   "format": "gradaudit-graph/1",
 *   "inputs": [{"name": "x", "dtype": "float64", "ndim": 1}, ...],
 *   "nodes": [
 *     {"id": "c0", "const": {"dtype": "float64", "shape": [], "data": [2.0]}},
 *     {"id": "n0", "op": "tanh", "args": ["x"]},
 *     {"id": "n1", "op": "mul", "args": ["n0", "c0"]},
 *     {"id": "n2", "op": "sum", "args": ["n1", 0], "kwargs": {}}
 *   ],
 *   "output": "n2"
 * }
 * </pre>
 *
 * An argument is a string (the id of an input or of an earlier node), a JSON integer (an integer
 * literal, e.g. an axis), another number (a float literal), {@code {"str": "float32"}} (a string
 * literal) or {@code {"list": [0, 2]}} (a list literal). Ids are unique; a node refers only to
 * inputs and earlier nodes, so every file is a DAG in topological order.
 *
 * <p>{@link #write} covers graphs of elementwise ops (every scalar op), the reductions (sum,
 * mean, prod, max, min, argmax, argmin, all, any, var, std, prod_without_zeros), softmax and
 * log_softmax, dot, dimshuffle, cast and constants. Any other op (shape, index, linalg, scan and
 * user ops) is refused with a message naming it; such graphs can still be written by hand with the
 * registry's names, since {@link #read} accepts every {@link OpRegistry} function.
 */
public final class GraphJson {
    public static final String FORMAT = "gradaudit-graph/1";

    private GraphJson() {}

    /** A loaded graph: declared inputs and a function that rebuilds the output from symbolic inputs. */
    public static final class Graph {
        private final List<String> inputNames;
        private final List<DType> inputDtypes;
        private final List<Integer> inputNdims;
        private final List<Map<String, Object>> nodes;
        private final String output;
        private final String label;

        Graph(List<String> names, List<DType> dtypes, List<Integer> ndims, List<Map<String, Object>> nodes,
                String output, String label) {
            this.inputNames = Collections.unmodifiableList(names);
            this.inputDtypes = Collections.unmodifiableList(dtypes);
            this.inputNdims = Collections.unmodifiableList(ndims);
            this.nodes = nodes;
            this.output = output;
            this.label = label;
        }

        public List<String> inputNames() { return inputNames; }
        public List<DType> inputDtypes() { return inputDtypes; }
        public List<Integer> inputNdims() { return inputNdims; }

        /** Rebuilds the output from symbolic inputs given in {@link #inputNames()} order. */
        public Variable build(List<Variable> inputs) {
            if (inputs.size() != inputNames.size()) {
                throw new IllegalArgumentException(label + ": the graph has " + inputNames.size() + " inputs "
                        + inputNames + ", got " + inputs.size());
            }
            Map<String, Variable> env = new HashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                Variable v = inputs.get(i);
                if (v.isTensor() && v.ndim() != inputNdims.get(i)) {
                    throw new IllegalArgumentException(label + ": input '" + inputNames.get(i) + "' has ndim "
                            + inputNdims.get(i) + " in the graph, got a variable of ndim " + v.ndim());
                }
                env.put(inputNames.get(i), v);
            }
            for (int n = 0; n < nodes.size(); n++) {
                Map<String, Object> node = nodes.get(n);
                String id = (String) node.get("id");
                String where = label + ": nodes[" + n + "] (id \"" + id + "\")";
                Variable v;
                if (node.containsKey("const")) {
                    v = org.gradaudit.core.T.constant(constValue(node.get("const"), where));
                } else {
                    String op = (String) node.get("op");
                    List<Object> args = new ArrayList<>();
                    for (Object a : list(node.getOrDefault("args", List.of()), where + ".args")) {
                        args.add(arg(a, env, where + ".args"));
                    }
                    Map<String, Object> kwargs = new LinkedHashMap<>();
                    for (Map.Entry<String, Object> e : map(node.getOrDefault("kwargs", Map.of()), where + ".kwargs")
                            .entrySet()) {
                        kwargs.put(e.getKey(), arg(e.getValue(), env, where + ".kwargs." + e.getKey()));
                    }
                    try {
                        v = OpRegistry.call(op, args, kwargs);
                    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
                        throw new IllegalArgumentException(where + ": cannot build " + op + "(...): " + e.getMessage(), e);
                    }
                }
                env.put(id, v);
            }
            return env.get(output);
        }

        /** {@link #build} as the function a check applies. */
        public SymbolicFunction function() {
            return this::build;
        }
    }

    /** Reads a graph file; errors name the file and the node. */
    public static Graph read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such graph file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates graph JSON (structure, ids, references, dtypes); ops are checked when built. */
    public static Graph parse(String text, String label) {
        if (text == null) {
            throw new IllegalArgumentException(label + ": no graph text (null)");
        }
        Map<String, Object> root = map(Json.parse(text, label), label);
        for (String k : root.keySet()) {
            if (!List.of("format", "inputs", "nodes", "output").contains(k)) {
                throw new IllegalArgumentException(label + ": unknown field \"" + k
                        + "\"; expected format, inputs, nodes, output");
            }
        }
        if (!FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException(label + ": field \"format\" must be \"" + FORMAT + "\", got "
                    + root.get("format"));
        }
        List<String> names = new ArrayList<>();
        List<DType> dtypes = new ArrayList<>();
        List<Integer> ndims = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<Object> ins = list(require(root, "inputs", label), label + ".inputs");
        for (int i = 0; i < ins.size(); i++) {
            String where = label + ": inputs[" + i + "]";
            Map<String, Object> in = map(ins.get(i), where);
            String name = string(require(in, "name", where), where + ".name");
            if (!ids.add(name)) {
                throw new IllegalArgumentException(where + ": duplicate name \"" + name + "\"");
            }
            names.add(name);
            dtypes.add(dtype(in.getOrDefault("dtype", "float64"), where + ".dtype"));
            Object nd = require(in, "ndim", where);
            if (!(nd instanceof Long) || (Long) nd < 0 || (Long) nd > 32) {
                throw new IllegalArgumentException(where + ".ndim: expected a non-negative integer, got " + nd);
            }
            ndims.add((int) (long) (Long) nd);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Object> ns = list(require(root, "nodes", label), label + ".nodes");
        for (int n = 0; n < ns.size(); n++) {
            String where = label + ": nodes[" + n + "]";
            Map<String, Object> node = map(ns.get(n), where);
            String id = string(require(node, "id", where), where + ".id");
            boolean isConst = node.containsKey("const");
            for (String k : node.keySet()) {
                if (!(isConst ? List.of("id", "const") : List.of("id", "op", "args", "kwargs")).contains(k)) {
                    throw new IllegalArgumentException(where + ": unknown field \"" + k + "\"");
                }
            }
            if (isConst) {
                constValue(node.get("const"), where + ".const");
            } else {
                String op = string(require(node, "op", where), where + ".op");
                if (!OpRegistry.has(op)) {
                    throw new IllegalArgumentException(where + ".op: unknown op \"" + op + "\"; expected one of "
                            + String.join(", ", OpRegistry.names()));
                }
                for (Object a : list(node.getOrDefault("args", List.of()), where + ".args")) {
                    checkRef(a, ids, where + ".args");
                }
                for (Object a : map(node.getOrDefault("kwargs", Map.of()), where + ".kwargs").values()) {
                    checkRef(a, ids, where + ".kwargs");
                }
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + ".id: duplicate id \"" + id + "\"");
            }
            nodes.add(node);
        }
        String output = string(require(root, "output", label), label + ".output");
        if (!ids.contains(output)) {
            throw new IllegalArgumentException(label + ".output: \"" + output + "\" is not an input or node id");
        }
        return new Graph(names, dtypes, ndims, nodes, output, label);
    }

    private static void checkRef(Object a, java.util.Set<String> ids, String where) {
        if (a instanceof String && !ids.contains(a)) {
            throw new IllegalArgumentException(where + ": \"" + a + "\" is not an input or an earlier node id");
        }
    }

    private static Object arg(Object a, Map<String, Variable> env, String where) {
        if (a instanceof String) {
            return env.get(a);
        }
        if (a instanceof Long || a instanceof Double) {
            return a;
        }
        if (a instanceof Map) {
            Map<String, Object> m = map(a, where);
            if (m.size() == 1 && m.get("str") instanceof String) {
                return m.get("str");
            }
            if (m.size() == 1 && m.get("list") instanceof List) {
                List<Object> l = list(m.get("list"), where);
                boolean ints = l.stream().allMatch(x -> x instanceof Long);
                double[] d = new double[l.size()];
                for (int i = 0; i < d.length; i++) {
                    if (!(l.get(i) instanceof Number)) {
                        throw new IllegalArgumentException(where + ": a list holds numbers only, got " + l.get(i));
                    }
                    d[i] = ((Number) l.get(i)).doubleValue();
                }
                return NDArray.of(ints ? DType.INT64 : DType.FLOAT64, new int[] {d.length}, d);
            }
        }
        throw new IllegalArgumentException(where + ": an argument is an id string, a number, {\"str\": ...} or"
                + " {\"list\": [...]}, got " + a);
    }

    private static NDArray constValue(Object c, String where) {
        Map<String, Object> m = map(c, where);
        DType d = dtype(m.getOrDefault("dtype", "float64"), where + ".dtype");
        List<Object> sh = list(require(m, "shape", where), where + ".shape");
        int[] shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(sh.get(i) instanceof Long) || (Long) sh.get(i) < 0) {
                throw new IllegalArgumentException(where + ".shape: expected non-negative integers, got " + sh);
            }
            shape[i] = (int) (long) (Long) sh.get(i);
        }
        List<Object> data = list(require(m, "data", where), where + ".data");
        if (data.size() != NDArray.sizeOf(shape)) {
            throw new IllegalArgumentException(where + ".data: " + data.size() + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
        double[] v = new double[data.size()];
        for (int i = 0; i < v.length; i++) {
            Object x = data.get(i);
            if (x instanceof Number) {
                v[i] = ((Number) x).doubleValue();
            } else if ("NaN".equals(x) || "Infinity".equals(x) || "-Infinity".equals(x)) {
                v[i] = Double.parseDouble((String) x);
            } else {
                throw new IllegalArgumentException(where + ".data[" + i + "]: expected a number, got " + x);
            }
        }
        return NDArray.of(d, shape, v);
    }

    private static DType dtype(Object o, String where) {
        if (o instanceof String) {
            try {
                return DType.of((String) o);
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": unknown dtype " + o);
    }

    private static Object require(Map<String, Object> m, String k, String where) {
        Object v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException(where + ": missing field \"" + k + "\"");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(where + ": expected a JSON object, got " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String where) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(where + ": expected a JSON array, got " + o);
        }
        return (List<Object>) o;
    }

    private static String string(Object o, String where) {
        if (!(o instanceof String) || ((String) o).isEmpty()) {
            throw new IllegalArgumentException(where + ": expected a non-empty string, got " + o);
        }
        return (String) o;
    }

    // ---------------------------------------------------------------- writer

    /**
     * The graph from {@code inputs} to {@code output} in the portable format. Errors name the first
     * op that has no portable name (see the class comment) or an input that is not listed.
     */
    public static String write(List<Variable> inputs, Variable output) {
        Map<Variable, String> ids = new IdentityHashMap<>();
        StringBuilder b = new StringBuilder("{\n  \"format\": ").append(Json.quote(FORMAT)).append(",\n  \"inputs\": [");
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            Variable v = inputs.get(i);
            String name = v.name() != null && !v.name().isEmpty() && used.add(v.name()) ? v.name() : "input" + i;
            used.add(name);
            ids.put(v, name);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(Json.quote(name)).append(", \"dtype\": ")
                    .append(Json.quote(v.dtype().numpyName())).append(", \"ndim\": ").append(v.ndim()).append('}');
        }
        b.append("\n  ],\n  \"nodes\": [");
        int[] counter = {0};
        boolean[] first = {true};
        List<Apply> order = Graphs.toposort(List.of(output));
        for (Apply a : order) {
            for (Variable in : a.inputs()) {
                if (!ids.containsKey(in)) {
                    if (in instanceof Constant) {
                        String id = "c" + counter[0]++;
                        ids.put(in, id);
                        node(b, first, "{\"id\": " + Json.quote(id) + ", \"const\": " + constJson(((Constant) in).value())
                                + "}");
                    } else if (in.owner() == null) {
                        throw new IllegalArgumentException("graph input " + in + " is not among the listed inputs");
                    }
                }
            }
            if (a.outputs().size() != 1) {
                throw new IllegalArgumentException("op " + a.op() + " has " + a.outputs().size()
                        + " outputs; the portable format writes single-output ops only");
            }
            String id = "n" + counter[0]++;
            ids.put(a.out(), id);
            node(b, first, "{\"id\": " + Json.quote(id) + ", " + opJson(a, ids) + "}");
        }
        if (output.owner() == null && !ids.containsKey(output)) {
            if (output instanceof Constant) {
                String id = "c" + counter[0]++;
                ids.put(output, id);
                node(b, first, "{\"id\": " + Json.quote(id) + ", \"const\": " + constJson(((Constant) output).value())
                        + "}");
            } else {
                throw new IllegalArgumentException("the output " + output + " is not computed from the listed inputs");
            }
        }
        b.append("\n  ],\n  \"output\": ").append(Json.quote(ids.get(output))).append("\n}\n");
        return b.toString();
    }

    /** Writes {@link #write} to {@code file} atomically. */
    public static void write(List<Variable> inputs, Variable output, Path file) {
        String text = write(inputs, output);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void node(StringBuilder b, boolean[] first, String json) {
        b.append(first[0] ? "\n    " : ",\n    ").append(json);
        first[0] = false;
    }

    private static String opJson(Apply a, Map<Variable, String> ids) {
        Op op = a.op();
        List<String> args = new ArrayList<>();
        for (Variable in : a.inputs()) {
            args.add(Json.quote(ids.get(in)));
        }
        String name;
        String kwargs = "";
        if (op instanceof Elemwise) {
            name = ((Elemwise) op).scalar().opName();
        } else if (op instanceof Sum) {
            name = "sum";
            axes(args, ((Sum) op).axes(), op);
        } else if (op instanceof Var || op instanceof Std) {
            name = op instanceof Var ? "var" : "std";
            axes(args, ((AxisReduction) op).axes(), op);
            kwargs = ", \"kwargs\": {\"ddof\": " + (op instanceof Var ? ((Var) op).ddof() : ((Std) op).ddof()) + "}";
        } else if (op instanceof AxisReduction && reductionName(op) != null) {
            name = reductionName(op);
            axes(args, ((AxisReduction) op).axes(), op);
        } else if (op instanceof org.gradaudit.core.ops.SoftmaxBase) {
            name = op instanceof LogSoftmax ? "log_softmax" : "softmax";
            args.add(String.valueOf(((org.gradaudit.core.ops.SoftmaxBase) op).axis()));
        } else if (op instanceof Dot) {
            name = "dot";
        } else if (op instanceof DimShuffle) {
            name = "dimshuffle";
            for (int o : ((DimShuffle) op).order()) {
                args.add(o == DimShuffle.NEW_AXIS ? "{\"str\": \"x\"}" : String.valueOf(o));
            }
        } else if (op instanceof Cast) {
            name = "cast";
            args.add("{\"str\": " + Json.quote(((Cast) op).to().numpyName()) + "}");
        } else {
            throw new IllegalArgumentException("op " + op + " (" + op.getClass().getSimpleName() + ") has no name in"
                    + " the portable graph format's writer; it writes elementwise ops, reductions, softmax, dot,"
                    + " dimshuffle, cast and constants");
        }
        return "\"op\": " + Json.quote(name) + ", \"args\": [" + String.join(", ", args) + "]" + kwargs;
    }

    private static String reductionName(Op op) {
        String n = op.getClass().getSimpleName();
        switch (n) {
            case "Mean": return "mean";
            case "Prod": return "prod";
            case "Max": return "max";
            case "Min": return "min";
            case "Argmax": return "argmax";
            case "Argmin": return "argmin";
            case "All": return "all";
            case "Any": return "any";
            case "ProdWithoutZeros": return "prod_without_zeros";
            default: return null;
        }
    }

    private static void axes(List<String> args, int[] axes, Op op) {
        if (axes == null) {
            return;
        }
        if (axes.length == 0) {
            throw new IllegalArgumentException("op " + op + " reduces over no axis, which the portable format cannot"
                    + " express (no axes means all axes)");
        }
        for (int x : axes) {
            args.add(String.valueOf(x));
        }
    }

    private static String constJson(NDArray v) {
        StringBuilder b = new StringBuilder("{\"dtype\": ").append(Json.quote(v.dtype().numpyName())).append(", \"shape\": [");
        int[] s = v.shape();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i]);
        }
        b.append("], \"data\": [");
        for (int i = 0; i < v.size(); i++) {
            double x = v.getFlat(i);
            b.append(i == 0 ? "" : ", ").append(Double.isFinite(x) ? Json.number(x) : Json.quote(Double.toString(x)));
        }
        return b.append("]}").toString();
    }

}
