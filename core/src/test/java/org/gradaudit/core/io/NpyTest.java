package org.gradaudit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    /** The bytes NumPy 1.26 writes for np.save(f, np.array([[1.5, -2.0, 3.25]])): checked by hand against format.py. */
    @Test
    void writesNumpysExactLayout() {
        byte[] b = Npy.toBytes(NDArray.of(new double[][] {{1.5, -2.0, 3.25}}));
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int hl = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + hl) % 64, "header padded to a multiple of 64");
        String h = new String(b, 10, hl, StandardCharsets.US_ASCII);
        assertTrue(h.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }"), h);
        assertEquals('\n', h.charAt(h.length() - 1));
        assertEquals(10 + hl + 24, b.length);
        assertEquals(-2.0, ByteBuffer.wrap(b, 10 + hl + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
        String one = new String(Npy.toBytes(NDArray.of(1.0, 2.0)), 10, 60, StandardCharsets.US_ASCII);
        assertTrue(one.contains("'shape': (2,), }"), "a 1-tuple keeps its comma: " + one);
    }

    @Test
    void roundTripsEveryDtypeAndShape(@TempDir Path dir) {
        List<NDArray> arrays = List.of(
                NDArray.of(DType.FLOAT64, new int[] {2, 3}, 1.5, -2, 3.25, 1e-300, Double.MAX_VALUE, -0.0),
                NDArray.of(DType.FLOAT32, new int[] {3}, 0.1, -7, 3e38),
                NDArray.of(DType.INT32, new int[] {2, 2}, -2147483648.0, 2147483647, 0, -1),
                NDArray.of(DType.INT64, new int[] {2}, -(1L << 53), 1L << 52),
                NDArray.of(DType.BOOL, new int[] {1, 2, 2}, 1, 0, 0, 1),
                NDArray.of(DType.FLOAT64, new int[] {}, 2.5),
                NDArray.of(DType.FLOAT64, new int[] {0, 4}));
        for (NDArray a : arrays) {
            Path f = dir.resolve(a.dtype() + "-" + a.ndim() + ".npy");
            Npy.write(a, f);
            NDArray back = Npy.read(f);
            assertEquals(a.dtype(), back.dtype());
            assertArrayEquals(a.shape(), back.shape());
            assertArrayEquals(a.toDoubleArray(), back.toDoubleArray(), 0.0, a.toString());
        }
    }

    @Test
    void readsVersion2AndBigEndianHeaders() {
        String dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
        StringBuilder h = new StringBuilder(dict);
        while ((12 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(12 + h.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length())
                .put(h.toString().getBytes(StandardCharsets.US_ASCII));
        b.order(ByteOrder.BIG_ENDIAN).putDouble(1.25).putDouble(-3.5);
        NDArray a = Npy.read(b.array(), "v2.npy");
        assertArrayEquals(new double[] {1.25, -3.5}, a.toDoubleArray());
    }

    @Test
    void badFilesGetClearErrors(@TempDir Path dir) throws Exception {
        byte[] good = Npy.toBytes(NDArray.of(1.0, 2.0, 3.0));
        assertEquals("x.npy: not a .npy file (the magic string \\x93NUMPY is missing)",
                assertThrows(Npy.NpyException.class, () -> Npy.read("{\"a\": 1}".getBytes(), "x.npy")).getMessage());
        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        assertEquals("t.npy: truncated data: shape [3] of <f8 needs 24 bytes, the file has 19",
                assertThrows(Npy.NpyException.class, () -> Npy.read(truncated, "t.npy")).getMessage());
        byte[] extra = Arrays.copyOf(good, good.length + 3);
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(extra, "e.npy")).getMessage()
                .startsWith("e.npy: 3 unexpected bytes after the data"));
        byte[] fortran = new String(good, StandardCharsets.ISO_8859_1).replace("'fortran_order': False",
                "'fortran_order': True ").getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(fortran, "f.npy")).getMessage()
                .startsWith("f.npy: Fortran-order arrays are not supported (fortran_order: True)"));
        byte[] complex = new String(good, StandardCharsets.ISO_8859_1).replace("'<f8'", "'<c8'")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(complex, "c.npy")).getMessage()
                .startsWith("c.npy: unsupported dtype '<c8' (supported:"));
        byte[] v3 = good.clone();
        v3[6] = 3;
        assertEquals("v.npy: unsupported .npy version 3.0 (supported: 1.0 and 2.0)",
                assertThrows(Npy.NpyException.class, () -> Npy.read(v3, "v.npy")).getMessage());
        byte[] badHeader = new String(good, StandardCharsets.ISO_8859_1).replace("{'descr'", "['descr'")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(badHeader, "h.npy")).getMessage()
                .startsWith("h.npy: malformed header (expected a Python dict literal)"));
        byte[] cut = Arrays.copyOf(good, 40);
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(cut, "c2.npy")).getMessage()
                .startsWith("c2.npy: truncated header"));
        assertTrue(assertThrows(Npy.NpyException.class, () -> Npy.read(dir.resolve("missing.npy"))).getMessage()
                .endsWith("missing.npy: no such .npy file"));
        Files.write(dir.resolve("ok.npy"), good);
        assertArrayEquals(new double[] {1, 2, 3}, Npy.read(dir.resolve("ok.npy")).toDoubleArray());
    }
}
