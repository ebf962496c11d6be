package org.gradaudit.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gradaudit.core.compile.ProgramIO;

/** Fuzzes the program reader; its only documented error is {@link ProgramIO.ProgramFormatException}. */
class ProgramReaderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void read(byte[] bytes) {
        try {
            ProgramIO.fromBytes(bytes);
        } catch (ProgramIO.ProgramFormatException expected) {
            // documented
        }
    }
}
