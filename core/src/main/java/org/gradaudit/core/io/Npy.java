package org.gradaudit.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * NumPy's {@code .npy} format, version 1.0 and 2.0 (format spec: numpy/lib/format.py): the magic
 * {@code \x93NUMPY}, a major and minor version byte, a little-endian header length (2 bytes in 1.0,
 * 4 bytes in 2.0), an ASCII header holding a Python dict literal
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }} padded with spaces to a
 * multiple of 64 bytes and ended by a newline, then the raw data.
 *
 * <p>Supported: float64 ({@code <f8}), float32 ({@code <f4}), int32 ({@code <i4}), int64
 * ({@code <i8}), bool ({@code |b1}); big-endian variants ({@code >f8}...) are read too. Only C
 * order: a Fortran-order file is refused rather than silently transposed. Every error is an
 * {@link NpyException} naming the file and what is wrong (bad magic, unsupported version or
 * dtype, malformed header, truncated data, trailing bytes).
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** A malformed or unsupported {@code .npy} file. */
    public static final class NpyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public NpyException(String message) {
            super(message);
        }
    }

    /** Reads a file; errors name it. */
    public static NDArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NpyException(file + ": no such .npy file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, file.toString());
    }

    /** Parses the bytes of a {@code .npy} file; {@code label} names it in errors. */
    public static NDArray read(byte[] b, String label) {
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) {
            throw new NpyException(label + ": not a .npy file (the magic string \\x93NUMPY is missing)");
        }
        int major = b[6] & 0xff;
        int minor = b[7] & 0xff;
        int headerLen;
        int start;
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLen = le.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2) {
            if (b.length < 12) {
                throw new NpyException(label + ": truncated header (version 2.0 needs a 4-byte header length)");
            }
            long l = le.getInt(8) & 0xffffffffL;
            if (l > Integer.MAX_VALUE) {
                throw new NpyException(label + ": header length " + l + " is too large");
            }
            headerLen = (int) l;
            start = 12;
        } else {
            throw new NpyException(label + ": unsupported .npy version " + major + "." + minor
                    + " (supported: 1.0 and 2.0)");
        }
        if ((long) start + headerLen > b.length) {
            throw new NpyException(label + ": truncated header (" + headerLen + " header bytes announced, "
                    + (b.length - start) + " present)");
        }
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1).trim();
        Map<String, String> dict = parseHeader(header, label);
        String descr = unquote(require(dict, "descr", label), label, "descr");
        String fortran = require(dict, "fortran_order", label);
        if (fortran.equals("True")) {
            throw new NpyException(label + ": Fortran-order arrays are not supported (fortran_order: True);"
                    + " save it in C order, e.g. np.save(f, np.ascontiguousarray(a))");
        }
        if (!fortran.equals("False")) {
            throw new NpyException(label + ": header field 'fortran_order' must be True or False, got " + fortran);
        }
        int[] shape = parseShape(require(dict, "shape", label), label);
        DType dtype;
        int item;
        char order = descr.isEmpty() ? '?' : descr.charAt(0);
        String code = descr.length() > 1 ? descr.substring(1) : "";
        switch (code) {
            case "f8": dtype = DType.FLOAT64; item = 8; break;
            case "f4": dtype = DType.FLOAT32; item = 4; break;
            case "i4": dtype = DType.INT32; item = 4; break;
            case "i8": dtype = DType.INT64; item = 8; break;
            case "b1": dtype = DType.BOOL; item = 1; break;
            default:
                throw new NpyException(label + ": unsupported dtype '" + descr
                        + "' (supported: <f8 float64, <f4 float32, <i4 int32, <i8 int64, |b1 bool)");
        }
        if (order != '<' && order != '>' && order != '|' && order != '=') {
            throw new NpyException(label + ": unsupported byte order in dtype '" + descr + "'");
        }
        long n;
        try {
            n = NDArray.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw new NpyException(label + ": shape " + Arrays.toString(shape) + ": " + e.getMessage());
        }
        int dataStart = start + headerLen;
        long need = n * item;
        long have = b.length - dataStart;
        if (have < need) {
            throw new NpyException(label + ": truncated data: shape " + Arrays.toString(shape) + " of " + descr
                    + " needs " + need + " bytes, the file has " + have);
        }
        if (have > need) {
            throw new NpyException(label + ": " + (have - need) + " unexpected bytes after the data of shape "
                    + Arrays.toString(shape) + " (" + descr + ")");
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) need)
                .order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[(int) n];
        for (int i = 0; i < d.length; i++) {
            switch (dtype) {
                case FLOAT64: d[i] = data.getDouble(); break;
                case FLOAT32: d[i] = data.getFloat(); break;
                case INT32: d[i] = data.getInt(); break;
                case INT64: d[i] = data.getLong(); break;
                default: {
                    byte v = data.get();
                    if (v != 0 && v != 1) {
                        throw new NpyException(label + ": bool element " + i + " is " + (v & 0xff) + ", not 0 or 1");
                    }
                    d[i] = v;
                }
            }
        }
        return NDArray.of(dtype, shape, d);
    }

    /** The bytes of {@code a} as a version 1.0 file (2.0 if the header would not fit). */
    public static byte[] toBytes(NDArray a) {
        String descr;
        int item;
        switch (a.dtype()) {
            case FLOAT64: descr = "<f8"; item = 8; break;
            case FLOAT32: descr = "<f4"; item = 4; break;
            case INT32: descr = "<i4"; item = 4; break;
            case INT64: descr = "<i8"; item = 8; break;
            case BOOL: descr = "|b1"; item = 1; break;
            default: throw new IllegalArgumentException("cannot write dtype " + a.dtype() + " to .npy");
        }
        int[] shape = a.shape();
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        boolean v2 = padded - prefix > 0xffff;
        if (v2) {
            prefix = 12;
            total = prefix + dict.length() + 1;
            padded = (total + 63) / 64 * 64;
        }
        int headerLen = padded - prefix;
        ByteBuffer out = ByteBuffer.allocate(padded + a.size() * item).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            out.putInt(headerLen);
        } else {
            out.putShort((short) headerLen);
        }
        StringBuilder h = new StringBuilder(dict);
        while (h.length() < headerLen - 1) {
            h.append(' ');
        }
        h.append('\n');
        out.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < a.size(); i++) {
            double v = a.getFlat(i);
            switch (a.dtype()) {
                case FLOAT64: out.putDouble(v); break;
                case FLOAT32: out.putFloat((float) v); break;
                case INT32: out.putInt((int) v); break;
                case INT64: out.putLong((long) v); break;
                default: out.put((byte) (v != 0 ? 1 : 0));
            }
        }
        return out.array();
    }

    /** Writes {@code a} to {@code file} atomically (a temporary file in the same directory, then a rename). */
    public static void write(NDArray a, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            Files.write(tmp, toBytes(a));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name is hidden
                }
            }
        }
    }

    // ---------------------------------------------------------------- header dict

    private static String require(Map<String, String> dict, String key, String label) {
        String v = dict.get(key);
        if (v == null) {
            throw new NpyException(label + ": header has no '" + key + "' field: " + dict.keySet());
        }
        return v;
    }

    private static String unquote(String v, String label, String key) {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        throw new NpyException(label + ": header field '" + key + "' must be a string, got " + v);
    }

    /** A Python dict literal of string keys and simple values (strings, True/False, tuples of ints). */
    static Map<String, String> parseHeader(String h, String label) {
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new NpyException(label + ": malformed header (expected a Python dict literal): " + shorten(h));
        }
        Map<String, String> m = new LinkedHashMap<>();
        String body = h.substring(1, h.length() - 1);
        int i = 0;
        while (true) {
            while (i < body.length() && (body.charAt(i) == ' ' || body.charAt(i) == ',')) {
                i++;
            }
            if (i >= body.length()) {
                break;
            }
            char q = body.charAt(i);
            if (q != '\'' && q != '"') {
                throw new NpyException(label + ": malformed header at character " + (i + 1) + ": " + shorten(h));
            }
            int endKey = body.indexOf(q, i + 1);
            if (endKey < 0) {
                throw new NpyException(label + ": malformed header (unterminated key): " + shorten(h));
            }
            String key = body.substring(i + 1, endKey);
            int colon = body.indexOf(':', endKey);
            if (colon < 0) {
                throw new NpyException(label + ": malformed header (no ':' after '" + key + "'): " + shorten(h));
            }
            int j = colon + 1;
            while (j < body.length() && body.charAt(j) == ' ') {
                j++;
            }
            int end;
            if (j < body.length() && body.charAt(j) == '(') {
                end = body.indexOf(')', j);
                if (end < 0) {
                    throw new NpyException(label + ": malformed header (unterminated tuple): " + shorten(h));
                }
                end++;
            } else if (j < body.length() && (body.charAt(j) == '\'' || body.charAt(j) == '"')) {
                end = body.indexOf(body.charAt(j), j + 1);
                if (end < 0) {
                    throw new NpyException(label + ": malformed header (unterminated string): " + shorten(h));
                }
                end++;
            } else {
                end = j;
                while (end < body.length() && body.charAt(end) != ',') {
                    end++;
                }
            }
            m.put(key, body.substring(j, end).trim());
            i = end;
        }
        return m;
    }

    private static int[] parseShape(String v, String label) {
        if (!v.startsWith("(") || !v.endsWith(")")) {
            throw new NpyException(label + ": header field 'shape' must be a tuple of ints, got " + v);
        }
        List<Integer> dims = new ArrayList<>();
        for (String p : v.substring(1, v.length() - 1).split(",")) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                int d = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new NpyException(label + ": header field 'shape' must be a tuple of non-negative ints, got " + v);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
