package org.gradaudit.jobs.audit;

import java.util.Locale;

/**
 * How specs are read (audit specs, Jacobian specs and nightly suites alike):
 *
 * <ul>
 *   <li>{@code allowPathsOutsideSpec}: files a spec names ({@code .npy} points, graph files) resolve
 *       relative to the spec's directory and must stay inside it: absolute paths, {@code ..} and
 *       symbolic links that lead outside are refused unless this is set (the command-line flag
 *       {@value #ALLOW_PATHS_FLAG}).</li>
 *   <li>{@code maxInputBytes}: the memory budget of the points, checked while the spec is read,
 *       before anything runs. Points are held as doubles (8 bytes per element whatever the dtype):
 *       one input, one case's inputs together and all cases' inputs together may each take at most
 *       this many bytes (Spark configuration {@value #MAX_INPUT_BYTES_KEY}, default 512m).</li>
 * </ul>
 */
public record SpecOptions(boolean allowPathsOutsideSpec, long maxInputBytes) {
    public static final String ALLOW_PATHS_FLAG = "--allow-paths-outside-spec";
    public static final String MAX_INPUT_BYTES_KEY = "spark.gradaudit.maxInputBytes";
    public static final long DEFAULT_MAX_INPUT_BYTES = 512L << 20;
    public static final SpecOptions DEFAULTS = new SpecOptions(false, DEFAULT_MAX_INPUT_BYTES);

    public SpecOptions {
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("maxInputBytes must be positive, got " + maxInputBytes);
        }
    }

    public SpecOptions withAllowPathsOutsideSpec(boolean allow) {
        return new SpecOptions(allow, maxInputBytes);
    }

    public SpecOptions withMaxInputBytes(long bytes) {
        return new SpecOptions(allowPathsOutsideSpec, bytes);
    }

    /**
     * The budget from a Spark configuration: {@value #MAX_INPUT_BYTES_KEY} as a Spark size string
     * ({@code 536870912}, {@code 512m}, {@code 2g}), else the default. A bad value is an
     * IllegalArgumentException naming the key.
     */
    public static long maxInputBytes(org.apache.spark.SparkConf conf) {
        if (!conf.contains(MAX_INPUT_BYTES_KEY)) {
            return DEFAULT_MAX_INPUT_BYTES;
        }
        String v = conf.get(MAX_INPUT_BYTES_KEY).trim();
        long b;
        try {
            b = conf.getSizeAsBytes(MAX_INPUT_BYTES_KEY);
        } catch (RuntimeException e) {
            b = -1;
        }
        if (b < 1) {
            throw new IllegalArgumentException("Spark configuration " + MAX_INPUT_BYTES_KEY + ": expected a positive"
                    + " size in bytes (e.g. 536870912, 512m, 2g), got '" + v + "'");
        }
        return b;
    }

    /** {@code 3.0 GiB (3200000000 bytes)}. */
    static String bytes(long b) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " bytes" : String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], b);
    }
}
