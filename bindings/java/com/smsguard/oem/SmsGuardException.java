package com.smsguard.oem;

/** Thrown by {@link SmsGuardNative} for every error and for a panic inside the native library. */
public final class SmsGuardException extends RuntimeException {
    /** What went wrong, so callers can act on it. */
    public enum Kind {
        /** A rule pack (or other data) the caller gave is malformed: fix or drop it. */
        INVALID_DATA,
        /** Reading or writing a file failed (or the state file stayed locked): check the path, retry. */
        IO,
        /**
         * The state file is damaged or from a newer smsguard; it was left untouched. Open another
         * path, or (after asking the user) move it aside and start over.
         */
        STATE_UNREADABLE,
        /** The handle was closed. */
        CLOSED,
        /** Unusable arguments (e.g. rule-pack origins and texts of different lengths). */
        BAD_ARGUMENT,
        /** A bug in smsguard, including a caught panic: report it. */
        INTERNAL,
    }

    private final Kind kind;

    /** Called from native code with {@code KIND + U+001F + message}. */
    SmsGuardException(String encoded) {
        this(parseKind(encoded), parseMessage(encoded));
    }

    SmsGuardException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind getKind() {
        return kind;
    }

    private static Kind parseKind(String encoded) {
        int sep = encoded == null ? -1 : encoded.indexOf('\u001f');
        if (sep < 0) {
            return Kind.INTERNAL;
        }
        try {
            return Kind.valueOf(encoded.substring(0, sep));
        } catch (IllegalArgumentException e) {
            return Kind.INTERNAL;
        }
    }

    private static String parseMessage(String encoded) {
        int sep = encoded == null ? -1 : encoded.indexOf('\u001f');
        return sep < 0 ? encoded : encoded.substring(sep + 1);
    }
}
