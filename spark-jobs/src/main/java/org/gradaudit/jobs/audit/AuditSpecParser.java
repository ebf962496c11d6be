package org.gradaudit.jobs.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Modifier;
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
import org.gradaudit.core.check.CheckMode;
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
    private static final List<String> CHECK = List.of("nTests", "mode", "eps", "absTol", "relTol", "nProjections");
    private static final List<String> CASE = List.of("name", "expression", "builder", "inputs", "check");
    private static final List<String> INPUT = List.of("shape", "dtype", "generator", "seed");
    private static final List<String> NORMAL = List.of("kind", "mean", "std");
    private static final List<String> UNIFORM = List.of("kind", "low", "high");

    private final String file;
    private final ClassLoader loader;

    AuditSpecParser(String file, ClassLoader loader) {
        this.file = file;
        this.loader = loader;
    }

    AuditSpec parse(String json) {
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
            AuditSpec.Case c = caseSpec(casesNode.get(i), path, defaults);
            Integer before = seen.putIfAbsent(c.name(), i);
            if (before != null) {
                throw new SpecException(file, path + ".name", "duplicate case name \"" + c.name()
                        + "\" (also cases[" + before + "]); case names must be unique");
            }
            cases.add(c);
        }
        return new AuditSpec(file, name, seed, defaults, cases);
    }

    private AuditSpec.Case caseSpec(JsonNode node, String path, CheckSettings defaults) {
        requireObject(node, path, "a case object with \"name\", \"inputs\" and \"expression\" or \"builder\"");
        knownFields(node, path, CASE);
        String name = requiredString(node, path, "name");
        boolean hasExpr = node.has("expression");
        boolean hasBuilder = node.has("builder");
        if (hasExpr == hasBuilder) {
            throw new SpecException(file, path, hasExpr ? "has both \"expression\" and \"builder\"; expected exactly one"
                    : "missing \"expression\" or \"builder\"; expected exactly one");
        }
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
        CheckSettings check = node.has("check") ? check(node.get("check"), path + ".check", defaults) : defaults;
        String expression = null;
        String builder = null;
        if (hasExpr) {
            expression = requiredString(node, path, "expression");
            validateExpression(expression, inputs, path + ".expression");
        } else {
            builder = requiredString(node, path, "builder");
            validateBuilder(builder, path + ".builder");
        }
        return new AuditSpec.Case(name, expression, builder, inputs, check);
    }

    private AuditSpec.Input input(JsonNode node, String path) {
        requireObject(node, path, "an input object with \"shape\"");
        knownFields(node, path, INPUT);
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null) {
            throw new SpecException(file, path + ".shape", "missing; expected an array of non-negative integers");
        }
        if (!shapeNode.isArray()) {
            throw new SpecException(file, path + ".shape", "expected an array of non-negative integers, got "
                    + show(shapeNode));
        }
        int[] shape = new int[shapeNode.size()];
        for (int k = 0; k < shape.length; k++) {
            JsonNode d = shapeNode.get(k);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new SpecException(file, path + ".shape", "expected an array of non-negative integers, got "
                        + show(shapeNode));
            }
            shape[k] = d.intValue();
        }
        try {
            NDArray.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, path + ".shape", e.getMessage(), e);
        }
        DType dtype = DType.FLOAT64;
        if (node.has("dtype")) {
            JsonNode d = node.get("dtype");
            String s = d.isTextual() ? d.textValue() : null;
            DType parsed = null;
            try {
                parsed = s == null ? null : DType.of(s);
            } catch (IllegalArgumentException e) {
                parsed = null;
            }
            if (parsed == null || !parsed.isFloat() || !parsed.numpyName().equals(s)) {
                throw new SpecException(file, path + ".dtype", "expected one of \"float16\", \"float32\", \"float64\""
                        + " (gradients are checked for float inputs only), got " + show(d));
            }
            dtype = parsed;
        }
        AuditSpec.Generator gen = node.has("generator") ? generator(node.get("generator"), path + ".generator")
                : AuditSpec.Generator.normal(0, 1);
        long seed = node.has("seed") ? integer(node.get("seed"), path + ".seed") : 0;
        return new AuditSpec.Input(shape, dtype, gen, seed);
    }

    private AuditSpec.Generator generator(JsonNode node, String path) {
        requireObject(node, path, "{\"kind\": \"normal\"} or {\"kind\": \"uniform\", \"low\": ..., \"high\": ...}");
        JsonNode kind = node.get("kind");
        if (kind == null || !kind.isTextual() || !List.of("normal", "uniform").contains(kind.textValue())) {
            throw new SpecException(file, path + ".kind", "expected \"normal\" or \"uniform\", got "
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
