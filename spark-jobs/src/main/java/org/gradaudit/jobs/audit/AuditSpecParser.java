package org.gradaudit.jobs.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.catalog.CatalogEntry;
import org.gradaudit.core.catalog.OpCatalog;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.io.GraphJson;
import org.gradaudit.core.io.Npy;
import org.gradaudit.core.check.GraphBuilder;
import org.gradaudit.core.io.ExpressionParser;

/**
 * Reads the JSON of an {@link AuditSpec} with Jackson's tree model and validates every field,
 * naming the file and the field path in each error. Expressions are parsed here against inputs of
 * the declared dtypes and shapes, and builder classes are loaded (without being initialised) and
 * checked, so that a bad spec fails before any work starts.
 */
final class AuditSpecParser {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final List<String> TOP = List.of("name", "seed", "defaults", "cases");
    private static final List<String> CHECK = List.of("nTests", "mode", "eps", "absTol", "relTol", "nProjections",
            "maxElements", "timeBudgetMs");
    private static final List<String> CASE = List.of("name", "expression", "builder", "graph", "inputs", "check", "mask");
    private static final List<String> OP_CASE = List.of("name", "op", "shapes", "dtype", "check", "mask");
    private static final List<String> SWEEP_CASE = List.of("sweep", "check");
    private static final List<String> KINDS = List.of("expression", "builder", "graph", "op", "sweep");
    private static final List<String> INPUT = List.of("shape", "dtype", "generator", "seed");
    private static final List<String> NPY = List.of("kind", "file");
    private static final List<String> NORMAL = List.of("kind", "mean", "std");
    private static final List<String> UNIFORM = List.of("kind", "low", "high");

    private final String file;
    private final ClassLoader loader;
    private final Path baseDir;
    private final SpecOptions options;
    /** Bytes of the points of every case parsed so far (the spec-wide budget). */
    private long totalBytes;

    AuditSpecParser(String file, ClassLoader loader, Path baseDir, SpecOptions options) {
        this.file = file;
        this.loader = loader;
        this.baseDir = baseDir == null ? null : baseDir.toAbsolutePath().normalize();
        this.options = options;
    }

    /**
     * A path in the spec ({@code field} names it in errors), relative to the spec file's directory
     * (or the working directory), which it may not leave: absolute paths, {@code ..} and symbolic
     * links that lead outside are refused unless {@link SpecOptions#allowPathsOutsideSpec()}. An
     * existing path must be a regular file.
     */
    private Path resolve(String p, String field) {
        Path base = baseDir != null ? baseDir : Paths.get("").toAbsolutePath().normalize();
        Path q;
        try {
            q = Paths.get(p);
        } catch (java.nio.file.InvalidPathException e) {
            throw new SpecException(file, field, "not a valid file path: " + e.getMessage(), e);
        }
        String allow = " (paths in a spec are relative to its directory " + base + " and stay inside it; "
                + SpecOptions.ALLOW_PATHS_FLAG + " lifts this)";
        Path target = (q.isAbsolute() ? q : base.resolve(q)).normalize();
        if (!options.allowPathsOutsideSpec()) {
            if (q.isAbsolute()) {
                throw new SpecException(file, field, "absolute path \"" + p + "\" refused" + allow);
            }
            if (!target.startsWith(base)) {
                throw new SpecException(file, field, "\"" + p + "\" leaves the spec's directory" + allow);
            }
            if (Files.exists(target)) {
                Path real;
                Path baseReal;
                try {
                    real = target.toRealPath();
                    baseReal = base.toRealPath();
                } catch (java.io.IOException e) {
                    throw new SpecException(file, field, "cannot resolve \"" + p + "\": " + e, e);
                }
                if (!real.startsWith(baseReal)) {
                    throw new SpecException(file, field, "\"" + p + "\" is a symbolic link to " + real
                            + ", outside the spec's directory" + allow);
                }
            }
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new SpecException(file, field, "\"" + p + "\" (" + target + ") is not a regular file");
        }
        return target;
    }

    /** Refuses points above the memory budget (8 bytes per element: points are held as doubles). */
    private long budget(String path, String what, long elements) {
        long bytes = elements * 8L;
        if (bytes > options.maxInputBytes()) {
            throw new SpecException(file, path, what + " " + elements + " elements, " + SpecOptions.bytes(bytes)
                    + " as points (8 bytes per element); the memory budget is " + SpecOptions.bytes(options.maxInputBytes())
                    + " (" + SpecOptions.MAX_INPUT_BYTES_KEY + "); raise it or use smaller inputs");
        }
        return bytes;
    }

    private void caseBudget(String path, Map<String, AuditSpec.Input> inputs) {
        long sum = 0;
        for (AuditSpec.Input in : inputs.values()) {
            sum += NDArray.sizeOf(in.shape());
        }
        budget(path, "the case's inputs together have", sum);
        totalBytes += sum * 8L;
        if (totalBytes > options.maxInputBytes()) {
            throw new SpecException(file, path, "with this case the points of all cases together take "
                    + SpecOptions.bytes(totalBytes) + "; the memory budget is " + SpecOptions.bytes(options.maxInputBytes())
                    + " (" + SpecOptions.MAX_INPUT_BYTES_KEY + "); raise it or split the spec");
        }
    }

    AuditSpec parse(String json) {
        if (json == null) {
            throw new SpecException(file, "", "no spec text (null); expected a JSON object with \"name\" and \"cases\"");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw new SpecException(file, "", "invalid JSON: " + where + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new SpecException(file, "", "the file is empty; expected a JSON object with \"name\" and \"cases\"");
        }
        requireObject(root, "", "a JSON object with \"name\" and \"cases\"");
        knownFields(root, "", TOP);
        String name = requiredString(root, "", "name");
        long seed = root.has("seed") ? integer(root.get("seed"), "seed") : AuditSpec.DEFAULT_SEED;
        CheckSettings defaults = CheckSettings.DEFAULTS;
        if (root.has("defaults")) {
            defaults = check(root.get("defaults"), "defaults", defaults);
        }
        JsonNode casesNode = root.get("cases");
        if (casesNode == null) {
            throw new SpecException(file, "cases", "missing; expected a non-empty array of cases");
        }
        if (!casesNode.isArray() || casesNode.isEmpty()) {
            throw new SpecException(file, "cases", "expected a non-empty array of cases, got " + show(casesNode));
        }
        List<AuditSpec.Case> cases = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < casesNode.size(); i++) {
            String path = "cases[" + i + "]";
            for (AuditSpec.Case c : caseSpecs(casesNode.get(i), path, defaults)) {
                Integer before = seen.putIfAbsent(c.name(), i);
                if (before != null) {
                    throw new SpecException(file, path + ".name", "duplicate case name \"" + c.name()
                            + "\" (also cases[" + before + "]); case names must be unique");
                }
                cases.add(c);
            }
        }
        return new AuditSpec(file, name, seed, defaults, cases);
    }

    /**
     * The function part of another job's spec (e.g. a Jacobian spec's {@code "function"} object):
     * one expression, builder, graph or op case at JSON path {@code path}, named {@code name}, with
     * the default check settings. Sweeps are refused (one function only).
     */
    AuditSpec.Case function(JsonNode node, String path, String name) {
        requireObject(node, path, "a function object with \"inputs\" and one of \"expression\", \"builder\", \"graph\","
                + " \"op\"");
        if (node.has("sweep")) {
            throw new SpecException(file, path + ".sweep", "a sweep defines many functions; expected exactly one of"
                    + " \"expression\", \"builder\", \"graph\", \"op\"");
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) node)
                .deepCopy();
        copy.put("name", name);
        return caseSpecs(copy, path, CheckSettings.DEFAULTS).get(0);
    }

    private List<AuditSpec.Case> caseSpecs(JsonNode node, String path, CheckSettings defaults) {
        requireObject(node, path, "a case object with \"name\", \"inputs\" and one of " + KINDS);
        List<String> kinds = new ArrayList<>();
        for (String k : KINDS) {
            if (node.has(k)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            throw new SpecException(file, path, (kinds.isEmpty() ? "missing a case definition" : "has " + kinds)
                    + "; expected exactly one of \"expression\", \"builder\", \"graph\", \"op\", \"sweep\"");
        }
        switch (kinds.get(0)) {
            case "sweep": return sweep(node, path, defaults);
            case "op": return List.of(opCase(node, path, defaults));
            default: return List.of(caseSpec(node, path, defaults));
        }
    }

    private AuditSpec.Case caseSpec(JsonNode node, String path, CheckSettings defaults) {
        knownFields(node, path, CASE);
        String name = requiredString(node, path, "name");
        JsonNode inputsNode = node.get("inputs");
        if (inputsNode == null) {
            throw new SpecException(file, path + ".inputs", "missing; expected an object of named inputs");
        }
        if (!inputsNode.isObject() || inputsNode.isEmpty()) {
            throw new SpecException(file, path + ".inputs", "expected a non-empty object of named inputs, got "
                    + show(inputsNode));
        }
        LinkedHashMap<String, AuditSpec.Input> inputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = inputsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String inPath = path + ".inputs." + e.getKey();
            if (e.getKey().isEmpty()) {
                throw new SpecException(file, path + ".inputs", "an input has an empty name");
            }
            inputs.put(e.getKey(), input(e.getValue(), inPath));
        }
        caseBudget(path + ".inputs", inputs);
        CheckSettings check = node.has("check") ? check(node.get("check"), path + ".check", defaults) : defaults;
        Map<String, int[]> masks = masks(node.get("mask"), path + ".mask", inputs);
        if (node.has("expression")) {
            String expression = requiredString(node, path, "expression");
            validateExpression(expression, inputs, path + ".expression");
            return new AuditSpec.Case(name, AuditSpec.Kind.EXPRESSION, expression, inputs, check, masks, null);
        }
        if (node.has("builder")) {
            String builder = requiredString(node, path, "builder");
            validateBuilder(builder, path + ".builder");
            return new AuditSpec.Case(name, AuditSpec.Kind.BUILDER, builder, inputs, check, masks, null);
        }
        String graphFile = requiredString(node, path, "graph");
        GraphJson.Graph g;
        Path graphPath = resolve(graphFile, path + ".graph");
        try {
            g = GraphJson.read(graphPath);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new SpecException(file, path + ".graph", e.getMessage(), e);
        }
        if (!new java.util.HashSet<>(g.inputNames()).equals(inputs.keySet())) {
            throw new SpecException(file, path + ".inputs", "the graph " + graphFile + " has inputs " + g.inputNames()
                    + " but the case declares " + inputs.keySet() + "; declare each graph input by name");
        }
        List<String> declared = new ArrayList<>(inputs.keySet());
        int[] order = new int[g.inputNames().size()];
        for (int i = 0; i < order.length; i++) {
            String n = g.inputNames().get(i);
            order[i] = declared.indexOf(n);
            AuditSpec.Input in = inputs.get(n);
            if (in.shape().length != g.inputNdims().get(i)) {
                throw new SpecException(file, path + ".inputs." + n + ".shape", "the graph declares ndim "
                        + g.inputNdims().get(i) + " for input " + n + ", the case gives shape "
                        + java.util.Arrays.toString(in.shape()));
            }
        }
        SymbolicFunction fn = vars -> {
            List<Variable> ordered = new ArrayList<>();
            for (int k : order) {
                ordered.add(vars.get(k));
            }
            return g.build(ordered);
        };
        try {
            List<Variable> vars = new ArrayList<>();
            for (Map.Entry<String, AuditSpec.Input> e : inputs.entrySet()) {
                vars.add(symbolicInput(e.getKey(), e.getValue()));
            }
            fn.apply(vars);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SpecException(file, path + ".graph", e.getMessage(), e);
        }
        return new AuditSpec.Case(name, AuditSpec.Kind.GRAPH, graphFile, inputs, check, masks, fn);
    }

    /** {@code {"op": "softmax", "shapes": [[3, 4]], "dtype": "float32"}}: one catalogue op at one shape set and dtype. */
    private AuditSpec.Case opCase(JsonNode node, String path, CheckSettings defaults) {
        knownFields(node, path, OP_CASE);
        String op = requiredString(node, path, "op");
        CatalogEntry e = entry(op, path + ".op");
        DType dtype = e.dtypes().get(0);
        if (node.has("dtype")) {
            dtype = floatDtype(node.get("dtype"), path + ".dtype");
        }
        CheckSettings check = node.has("check") ? check(node.get("check"), path + ".check", defaults) : defaults;
        List<String> names = opInputNames(e.nInputs());
        LinkedHashMap<String, AuditSpec.Input> inputs = new LinkedHashMap<>();
        String shapeText;
        if (node.has("shapes")) {
            JsonNode sh = node.get("shapes");
            if (!sh.isArray() || sh.size() != e.nInputs()) {
                throw new SpecException(file, path + ".shapes", "op " + op + " has " + e.nInputs()
                        + " input(s); expected an array of " + e.nInputs() + " shape(s), got " + show(sh));
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < e.nInputs(); i++) {
                int[] shape = shape(sh.get(i), path + ".shapes[" + i + "]");
                budget(path + ".shapes[" + i + "]", "shape " + java.util.Arrays.toString(shape) + " has", NDArray.sizeOf(shape));
                inputs.put(names.get(i), new AuditSpec.Input(shape, dtype, AuditSpec.Generator.domain(e.domains().get(i)), 0));
                parts.add(shapeText(shape));
            }
            shapeText = String.join(";", parts);
        } else {
            int[][] shapes = e.shapes().get(0);
            for (int i = 0; i < e.nInputs(); i++) {
                inputs.put(names.get(i), new AuditSpec.Input(shapes[i], dtype, AuditSpec.Generator.catalog(op, 0, i), 0));
            }
            shapeText = "#0";
        }
        caseBudget(path + (node.has("shapes") ? ".shapes" : ".op"), inputs);
        String name = node.has("name") ? requiredString(node, path, "name") : op + "[" + shapeText + "]/" + dtype.numpyName();
        Map<String, int[]> masks = masks(node.get("mask"), path + ".mask", inputs);
        return new AuditSpec.Case(name, AuditSpec.Kind.OP, op, inputs, check, masks, e.builder());
    }

    /** {@code {"sweep": "all"}} or {@code {"sweep": ["softmax", ...]}}: every entry x its shape sets x its dtypes. */
    private List<AuditSpec.Case> sweep(JsonNode node, String path, CheckSettings defaults) {
        knownFields(node, path, SWEEP_CASE);
        JsonNode sw = node.get("sweep");
        List<CatalogEntry> entries = new ArrayList<>();
        if (sw.isTextual() && sw.textValue().equals("all")) {
            entries.addAll(OpCatalog.all());
        } else if (sw.isArray() && !sw.isEmpty()) {
            for (int i = 0; i < sw.size(); i++) {
                if (!sw.get(i).isTextual()) {
                    throw new SpecException(file, path + ".sweep[" + i + "]", "expected an op name, got " + show(sw.get(i)));
                }
                entries.add(entry(sw.get(i).textValue(), path + ".sweep[" + i + "]"));
            }
        } else {
            throw new SpecException(file, path + ".sweep", "expected \"all\" or a non-empty array of op names, got "
                    + show(sw));
        }
        CheckSettings check = node.has("check") ? check(node.get("check"), path + ".check", defaults) : defaults;
        List<AuditSpec.Case> r = new ArrayList<>();
        for (CatalogEntry e : entries) {
            List<String> names = opInputNames(e.nInputs());
            for (int s = 0; s < e.shapes().size(); s++) {
                for (DType d : e.dtypes()) {
                    LinkedHashMap<String, AuditSpec.Input> inputs = new LinkedHashMap<>();
                    for (int i = 0; i < e.nInputs(); i++) {
                        inputs.put(names.get(i), new AuditSpec.Input(e.shapes().get(s)[i], d,
                                AuditSpec.Generator.catalog(e.name(), s, i), 0));
                    }
                    r.add(new AuditSpec.Case(e.name() + "#" + s + "/" + d.numpyName(), AuditSpec.Kind.OP, e.name(),
                            inputs, check, Map.of(), e.builder()));
                }
            }
        }
        return r;
    }

    private CatalogEntry entry(String op, String path) {
        try {
            return OpCatalog.get(op);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, path, e.getMessage(), e);
        }
    }

    /** x, y, z for up to three inputs, else x0, x1, ... */
    static List<String> opInputNames(int n) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(n <= 3 ? new String[] {"x", "y", "z"}[i] : "x" + i);
        }
        return r;
    }

    private static String shapeText(int[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return shape.length == 0 ? "()" : b.toString();
    }

    /** {@code {"x": [0, 3], "W": [[0, 1], [2, 0]]}}: flat indices or multi-indices, per input. */
    private Map<String, int[]> masks(JsonNode node, String path, Map<String, AuditSpec.Input> inputs) {
        Map<String, int[]> r = new LinkedHashMap<>();
        if (node == null) {
            return r;
        }
        requireObject(node, path, "an object of index lists by input name");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            AuditSpec.Input in = inputs.get(e.getKey());
            if (in == null) {
                throw new SpecException(file, p, "no input named \"" + e.getKey() + "\"; inputs are " + inputs.keySet());
            }
            int[] shape = in.shape();
            int size = NDArray.sizeOf(shape);
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty()) {
                throw new SpecException(file, p, "expected a non-empty array of flat indices or index arrays, got "
                        + show(list));
            }
            java.util.TreeSet<Integer> idx = new java.util.TreeSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode v = list.get(i);
                int flat;
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    flat = v.intValue();
                    if (flat < 0 || flat >= size) {
                        throw new SpecException(file, p + "[" + i + "]", "flat index " + flat + " out of range [0, "
                                + size + ") for shape " + java.util.Arrays.toString(shape));
                    }
                } else if (v.isArray() && v.size() == shape.length) {
                    flat = 0;
                    for (int a = 0; a < shape.length; a++) {
                        JsonNode d = v.get(a);
                        if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0 || d.intValue() >= shape[a]) {
                            throw new SpecException(file, p + "[" + i + "]", "index " + v + " out of range for shape "
                                    + java.util.Arrays.toString(shape));
                        }
                        flat = flat * shape[a] + d.intValue();
                    }
                } else {
                    throw new SpecException(file, p + "[" + i + "]", "expected a flat index or an array of "
                            + shape.length + " indices, got " + show(v));
                }
                idx.add(flat);
            }
            r.put(e.getKey(), idx.stream().mapToInt(Integer::intValue).toArray());
        }
        return r;
    }

    private AuditSpec.Input input(JsonNode node, String path) {
        requireObject(node, path, "an input object with \"shape\"");
        knownFields(node, path, INPUT);
        JsonNode gen = node.get("generator");
        boolean npy = gen != null && gen.isObject() && gen.has("kind") && "npy".equals(gen.get("kind").asText());
        int[] shape = null;
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null && !npy) {
            throw new SpecException(file, path + ".shape", "missing; expected an array of non-negative integers");
        }
        if (shapeNode != null) {
            shape = shape(shapeNode, path + ".shape");
            budget(path + ".shape", "shape " + java.util.Arrays.toString(shape) + " has", NDArray.sizeOf(shape));
        }
        DType dtype = node.has("dtype") ? floatDtype(node.get("dtype"), path + ".dtype") : null;
        long seed = node.has("seed") ? integer(node.get("seed"), path + ".seed") : 0;
        if (npy) {
            knownFields(gen, path + ".generator", NPY);
            JsonNode f = gen.get("file");
            if (f == null || !f.isTextual() || f.textValue().isBlank()) {
                throw new SpecException(file, path + ".generator.file", "expected the path of an .npy file, got "
                        + (f == null ? "nothing" : show(f)));
            }
            NDArray a;
            Path npyFile = resolve(f.textValue(), path + ".generator.file");
            try {
                // the file is read whole: refuse one far above the budget before reading it
                long size = Files.isRegularFile(npyFile) ? Files.size(npyFile) : 0;
                if (size > options.maxInputBytes() + (1 << 20)) {
                    throw new SpecException(file, path + ".generator.file", f.textValue() + " is "
                            + SpecOptions.bytes(size) + "; the memory budget is " + SpecOptions.bytes(options.maxInputBytes())
                            + " (" + SpecOptions.MAX_INPUT_BYTES_KEY + "); raise it or use a smaller file");
                }
                a = Npy.read(npyFile);
            } catch (java.io.IOException e) {
                throw new SpecException(file, path + ".generator.file", "cannot read " + npyFile + ": " + e, e);
            } catch (SpecException e) {
                throw e;
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new SpecException(file, path + ".generator.file", e.getMessage(), e);
            }
            budget(path + ".generator.file", f.textValue() + " has", a.size());
            double[] values = a.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new SpecException(file, path + ".generator.file", f.textValue() + ": element "
                            + java.util.Arrays.toString(unravel(i, a.shape())) + " is " + values[i]
                            + "; points must be finite (a NaN or infinite point makes every difference non-finite)");
                }
            }
            if (!a.dtype().isFloat()) {
                throw new SpecException(file, path + ".generator.file", f.textValue() + " holds " + a.dtype().numpyName()
                        + " values; gradients are checked for float inputs only (float32, float64)");
            }
            if (shape != null && !java.util.Arrays.equals(shape, a.shape())) {
                throw new SpecException(file, path + ".shape", "declared " + java.util.Arrays.toString(shape) + " but "
                        + f.textValue() + " has shape " + java.util.Arrays.toString(a.shape()));
            }
            if (dtype != null && dtype != a.dtype()) {
                throw new SpecException(file, path + ".dtype", "declared " + dtype.numpyName() + " but " + f.textValue()
                        + " holds " + a.dtype().numpyName());
            }
            return new AuditSpec.Input(a.shape(), a.dtype(), AuditSpec.Generator.fixed(a, f.textValue()), seed);
        }
        AuditSpec.Generator g = gen != null ? generator(gen, path + ".generator") : AuditSpec.Generator.normal(0, 1);
        return new AuditSpec.Input(shape, dtype == null ? DType.FLOAT64 : dtype, g, seed);
    }

    /** The multi-index of flat (C-order) index {@code flat} in {@code shape}. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = shape[a] == 0 ? 0 : flat % shape[a];
            flat = shape[a] == 0 ? 0 : flat / shape[a];
        }
        return idx;
    }

    private int[] shape(JsonNode shapeNode, String path) {
        if (!shapeNode.isArray()) {
            throw new SpecException(file, path, "expected an array of non-negative integers, got " + show(shapeNode));
        }
        int[] shape = new int[shapeNode.size()];
        for (int k = 0; k < shape.length; k++) {
            JsonNode d = shapeNode.get(k);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new SpecException(file, path, "expected an array of non-negative integers, got " + show(shapeNode));
            }
            shape[k] = d.intValue();
        }
        try {
            NDArray.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, path, e.getMessage(), e);
        }
        return shape;
    }

    private DType floatDtype(JsonNode d, String path) {
        String s = d.isTextual() ? d.textValue() : null;
        DType parsed;
        try {
            parsed = s == null ? null : DType.of(s);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isFloat() || !parsed.numpyName().equals(s)) {
            throw new SpecException(file, path, "expected one of \"float16\", \"float32\", \"float64\""
                    + " (gradients are checked for float inputs only), got " + show(d));
        }
        return parsed;
    }

    private AuditSpec.Generator generator(JsonNode node, String path) {
        requireObject(node, path, "{\"kind\": \"normal\"} or {\"kind\": \"uniform\", \"low\": ..., \"high\": ...}");
        JsonNode kind = node.get("kind");
        if (kind == null || !kind.isTextual() || !List.of("normal", "uniform").contains(kind.textValue())) {
            throw new SpecException(file, path + ".kind", "expected \"normal\", \"uniform\" or \"npy\", got "
                    + (kind == null ? "nothing" : show(kind)));
        }
        if (kind.textValue().equals("normal")) {
            knownFields(node, path, NORMAL);
            double mean = node.has("mean") ? finite(node.get("mean"), path + ".mean") : 0;
            double std = node.has("std") ? finite(node.get("std"), path + ".std") : 1;
            if (!(std > 0)) {
                throw new SpecException(file, path + ".std", "expected a positive number, got " + show(node.get("std")));
            }
            return AuditSpec.Generator.normal(mean, std);
        }
        knownFields(node, path, UNIFORM);
        double low = node.has("low") ? finite(node.get("low"), path + ".low") : -1;
        double high = node.has("high") ? finite(node.get("high"), path + ".high") : 1;
        if (!(low < high)) {
            throw new SpecException(file, path, "expected low < high, got low " + low + " and high " + high);
        }
        return AuditSpec.Generator.uniform(low, high);
    }

    private CheckSettings check(JsonNode node, String path, CheckSettings base) {
        requireObject(node, path, "an object with any of " + CHECK);
        knownFields(node, path, CHECK);
        CheckSettings c = base;
        if (node.has("nTests")) {
            c = c.withNTests(positiveInt(node.get("nTests"), path + ".nTests"));
        }
        if (node.has("mode")) {
            JsonNode m = node.get("mode");
            CheckMode mode = null;
            if (m.isTextual()) {
                for (CheckMode cm : CheckMode.values()) {
                    if (CheckSettings.modeName(cm).equals(m.textValue())) {
                        mode = cm;
                    }
                }
            }
            if (mode == null) {
                throw new SpecException(file, path + ".mode", "expected \"theano\", \"central\" or \"fast\", got "
                        + show(m));
            }
            c = c.withMode(mode);
        }
        if (node.has("eps")) {
            c = c.withEps(positiveOrNull(node.get("eps"), path + ".eps"));
        }
        if (node.has("absTol")) {
            c = c.withAbsTol(positiveOrNull(node.get("absTol"), path + ".absTol"));
        }
        if (node.has("relTol")) {
            c = c.withRelTol(positiveOrNull(node.get("relTol"), path + ".relTol"));
        }
        if (node.has("nProjections")) {
            c = c.withNProjections(positiveInt(node.get("nProjections"), path + ".nProjections"));
        }
        if (node.has("maxElements")) {
            c = c.withMaxElements(node.get("maxElements").isNull() ? null
                    : positiveInt(node.get("maxElements"), path + ".maxElements"));
        }
        if (node.has("timeBudgetMs")) {
            JsonNode b = node.get("timeBudgetMs");
            if (!b.isNull() && (!b.isIntegralNumber() || !b.canConvertToLong() || b.longValue() < 1)) {
                throw new SpecException(file, path + ".timeBudgetMs", "expected a positive integer (milliseconds) or"
                        + " null, got " + show(b));
            }
            c = c.withTimeBudgetMs(b.isNull() ? null : b.longValue());
        }
        return c;
    }

    private void validateExpression(String expression, Map<String, AuditSpec.Input> inputs, String path) {
        Map<String, Variable> vars = new LinkedHashMap<>();
        for (Map.Entry<String, AuditSpec.Input> e : inputs.entrySet()) {
            vars.put(e.getKey(), symbolicInput(e.getKey(), e.getValue()));
        }
        try {
            ExpressionParser.parse(expression, vars);
        } catch (ExpressionParser.ExpressionException e) {
            throw new SpecException(file, path, e.getMessage(), e);
        }
    }

    /** The symbolic input verify_grad makes for this input's points: size-1 axes broadcastable. */
    static Variable symbolicInput(String name, AuditSpec.Input in) {
        int[] shape = in.shape();
        boolean[] bc = new boolean[shape.length];
        for (int k = 0; k < shape.length; k++) {
            bc[k] = shape[k] == 1;
        }
        return new TensorType(in.dtype(), bc).make(name);
    }

    private void validateBuilder(String className, String path) {
        Class<?> cls;
        try {
            cls = Class.forName(className, false, loader);     // not initialised: no user code runs here
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SpecException(file, path, "class \"" + className + "\" not found on the classpath (ship its jar"
                    + " with the application, e.g. spark-submit --jars)", e);
        }
        if (!GraphBuilder.class.isAssignableFrom(cls)) {
            throw new SpecException(file, path, "class \"" + className + "\" does not implement "
                    + GraphBuilder.class.getName());
        }
        if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers()) || !Modifier.isPublic(cls.getModifiers())) {
            throw new SpecException(file, path, "class \"" + className
                    + "\" must be a public, concrete class with a public no-argument constructor");
        }
        try {
            cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new SpecException(file, path, "class \"" + className
                    + "\" has no public no-argument constructor", e);
        }
    }

    // ---------------------------------------------------------------- field helpers

    private void requireObject(JsonNode node, String path, String expected) {
        if (!node.isObject()) {
            throw new SpecException(file, path, "expected " + expected + ", got " + show(node));
        }
    }

    private void knownFields(JsonNode node, String path, List<String> allowed) {
        Set<String> known = new HashSet<>(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new SpecException(file, (path.isEmpty() ? "" : path + ".") + f,
                        "unknown field; expected one of " + String.join(", ", allowed));
            }
        }
    }

    private String requiredString(JsonNode node, String path, String field) {
        String p = path.isEmpty() ? field : path + "." + field;
        JsonNode v = node.get(field);
        if (v == null) {
            throw new SpecException(file, p, "missing; expected a non-empty string");
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new SpecException(file, p, "expected a non-empty string, got " + show(v));
        }
        return v.textValue();
    }

    private long integer(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new SpecException(file, path, "expected an integer, got " + show(v));
        }
        return v.longValue();
    }

    private int positiveInt(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw new SpecException(file, path, "expected a positive integer, got " + show(v));
        }
        return v.intValue();
    }

    private double finite(JsonNode v, String path) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new SpecException(file, path, "expected a finite number, got " + show(v));
        }
        return v.doubleValue();
    }

    private Double positiveOrNull(JsonNode v, String path) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0) || !Double.isFinite(v.doubleValue())) {
            throw new SpecException(file, path, "expected a positive number or null (null: the dtype default), got "
                    + show(v));
        }
        return v.doubleValue();
    }

    /** A short rendering of a JSON value for messages. */
    static String show(JsonNode v) {
        String s = v.toString();
        String kind = v.isTextual() ? "string " : v.isArray() ? "array " : v.isObject() ? "object "
                : v.isBoolean() ? "boolean " : v.isNull() ? "" : v.isNumber() ? "number " : "";
        if (s.length() > 60) {
            s = s.substring(0, 57) + "...";
        }
        return v.isNull() ? "null" : kind + s;
    }
}
