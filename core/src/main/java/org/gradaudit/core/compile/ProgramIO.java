package org.gradaudit.core.compile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * Programs to and from bytes (Java serialization), with a reader safe for untrusted input: an
 * {@link ObjectInputFilter} admits only gradaudit's own classes, arrays, boxed numbers, strings,
 * enums and the JDK collections ops use, and bounds depth, references and array lengths; the
 * program is then type-checked ({@link Program}'s readObject). Any bad input is a
 * {@link ProgramFormatException} naming what was wrong, never another exception.
 */
public final class ProgramIO {
    private ProgramIO() {}

    /** Bad serialized program. */
    public static final class ProgramFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public ProgramFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The classes a program may contain: ours, and what they are built from. */
    private static final ObjectInputFilter FILTER = info -> {
        if (info.depth() > 200 || info.references() > 5_000_000 || info.arrayLength() > 100_000_000) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        String n = c.getName();
        if (n.startsWith("org.gradaudit.") || n.equals("java.lang.String") || n.equals("java.lang.Enum")
                || n.equals("java.lang.Number") || n.equals("java.lang.Integer") || n.equals("java.lang.Long")
                || n.equals("java.lang.Double") || n.equals("java.lang.Boolean") || n.equals("java.lang.Object")
                || n.equals("java.util.ArrayList") || n.equals("java.util.Collections$UnmodifiableList")
                || n.equals("java.util.Collections$UnmodifiableRandomAccessList")
                || n.equals("java.util.Collections$UnmodifiableCollection") || n.equals("java.util.ImmutableCollections$ListN")
                || n.equals("java.util.ImmutableCollections$List12") || n.equals("java.util.CollSer")) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        return ObjectInputFilter.Status.REJECTED;
    };

    public static byte[] toBytes(Program p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(p, bytes);
        return bytes.toByteArray();
    }

    public static void write(Program p, OutputStream out) {
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the program: " + e.getMessage(), e);
        }
    }

    public static Program fromBytes(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    /** Reads one program; see the class comment for what is accepted. */
    public static Program read(InputStream in) {
        try (ObjectInputStream o = new ObjectInputStream(in)) {
            o.setObjectInputFilter(FILTER);
            Object obj = o.readObject();
            if (!(obj instanceof Program)) {
                throw new ProgramFormatException("the data holds a " + (obj == null ? "null" : obj.getClass().getName())
                        + ", not a program", null);
            }
            return (Program) obj;
        } catch (ProgramFormatException e) {
            throw e;
        } catch (IOException | ClassNotFoundException e) {
            throw new ProgramFormatException("not a valid serialized program: " + e, e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a corrupt stream can make a class's own readObject fail in any way
            throw new ProgramFormatException("not a valid serialized program: " + e, e);
        }
    }
}
