package org.gradaudit.core.check;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded random streams for checks. Each stream is a pure function of its key (seed, case, test,
 * purpose), never of the attempt, the clock, the executor or the partitioning, so a retried or
 * re-partitioned unit draws the same numbers.
 */
public final class Streams {
    private Streams() {}

    /** Purposes, so that streams for different uses of one (seed, case, test) never overlap. */
    public static final long PROJECTION = 0x5052_4f4aL;   // output weights r
    public static final long DIRECTION = 0x4449_5245L;    // fast mode input directions u
    public static final long POINT = 0x504f_494eL;        // generated input points
    public static final long SAMPLE = 0x5341_4d50L;       // element sampling

    /** A generator for (seed, caseKey, index, purpose). */
    public static SplittableRandom stream(long seed, long caseKey, long index, long purpose) {
        long h = mix(seed);
        h = mix(h ^ caseKey);
        h = mix(h ^ index);
        h = mix(h ^ purpose);
        return new SplittableRandom(h);
    }

    /** A stable 64-bit key of a case name (FNV-1a then a mix), the same on every JVM. */
    public static long caseKey(String caseName) {
        long h = 0xcbf29ce484222325L;
        for (byte b : caseName.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
