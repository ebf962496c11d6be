package org.gradaudit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.List;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.compile.ProgramIO;
import org.junit.jupiter.api.Test;

class ProgramIOTest {
    @Test
    void roundTrip() {
        Variable x = T.vector("x");
        Program p = Function.compile(List.of(x), T.sum(T.exp(x))).program();
        Program back = ProgramIO.fromBytes(ProgramIO.toBytes(p));
        assertEquals(p.run(NDArray.of(1, 2))[0], back.run(NDArray.of(1, 2))[0]);
    }

    @Test
    void classesOutsideTheAllowListAreRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            HashMap<String, String> m = new HashMap<>();
            m.put("a", "b");
            o.writeObject(m);
        }
        ProgramIO.ProgramFormatException e = assertThrows(ProgramIO.ProgramFormatException.class,
                () -> ProgramIO.fromBytes(bytes.toByteArray()));
        assertTrue(e.getMessage().contains("not a valid serialized program"), e.getMessage());
    }

    @Test
    void anotherAllowedObjectIsNotAProgram() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(NDArray.of(1, 2));
        }
        ProgramIO.ProgramFormatException e = assertThrows(ProgramIO.ProgramFormatException.class,
                () -> ProgramIO.fromBytes(bytes.toByteArray()));
        assertTrue(e.getMessage().contains("org.gradaudit.core.NDArray, not a program"), e.getMessage());
    }

    @Test
    void garbageAndTruncationAreFormatErrors() {
        Variable x = T.vector("x");
        byte[] good = ProgramIO.toBytes(Function.compile(List.of(x), T.exp(x)).program());
        assertThrows(ProgramIO.ProgramFormatException.class, () -> ProgramIO.fromBytes(new byte[] {1, 2, 3}));
        assertThrows(ProgramIO.ProgramFormatException.class,
                () -> ProgramIO.fromBytes(java.util.Arrays.copyOf(good, good.length / 2)));
    }
}
