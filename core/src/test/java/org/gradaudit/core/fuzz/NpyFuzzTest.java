package org.gradaudit.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gradaudit.core.io.Npy;

/** Fuzzes the .npy reader; its only documented error is {@link Npy.NpyException}. */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void read(byte[] bytes) {
        try {
            Npy.read(bytes, "fuzz.npy");
        } catch (Npy.NpyException expected) {
            // documented
        }
    }
}
