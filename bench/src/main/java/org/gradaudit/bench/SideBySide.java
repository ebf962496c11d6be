package org.gradaudit.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks matching the given patterns (all by default) in one JMH run and prints, for
 * each benchmark class and parameter set, every method's time and its ratio to the fastest one,
 * side by side.
 */
public final class SideBySide {
    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder().shouldFailOnError(true);
        if (args.length == 0) {
            o.include("org\\.gradaudit\\.bench\\..*");
        }
        for (String a : args) {
            o.include(a);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            String key = cls.substring(cls.lastIndexOf('.') + 1) + " " + params(r);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        System.out.println();
        System.out.println("Side by side (one JMH run; ratio = time / fastest in the group):");
        for (Map.Entry<String, List<RunResult>> g : groups.entrySet()) {
            double best = g.getValue().stream().mapToDouble(r -> r.getPrimaryResult().getScore()).min().orElse(1);
            System.out.println(g.getKey());
            for (RunResult r : g.getValue()) {
                String m = r.getParams().getBenchmark();
                double s = r.getPrimaryResult().getScore();
                System.out.printf(Locale.ROOT, "  %-28s %12.4f ± %9.4f %-6s  x%.2f%n", m.substring(m.lastIndexOf('.') + 1), s,
                        r.getPrimaryResult().getScoreError(), r.getPrimaryResult().getScoreUnit(), s / best);
            }
        }
    }

    private static String params(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (String k : r.getParams().getParamsKeys()) {
            sb.append(sb.length() == 0 ? "(" : ", ").append(k).append('=').append(r.getParams().getParam(k));
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }
}
