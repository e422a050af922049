package com.smsguard.oem;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * smsguard through plain JNI, for OEM system apps that may not use JNA. Thread-safe: one
 * instance may classify from many threads. Closing is idempotent; a closed instance throws
 * {@link SmsGuardException} of kind {@code CLOSED}.
 *
 * <p>The native library is {@code libsmsguard_ffi.so} (the same file the uniffi/JNA bindings
 * use), loaded with {@code System.loadLibrary("smsguard_ffi")}, or from the absolute path in
 * the system property {@code smsguard.library} when set.
 */
public final class SmsGuardNative implements AutoCloseable {
    static {
        String path = System.getProperty("smsguard.library");
        if (path != null && !path.isEmpty()) {
            System.load(path);
        } else {
            System.loadLibrary("smsguard_ffi");
        }
    }

    /** The compact classification result. Strings are the stable lower-case names of DESIGN.md. */
    public static final class Result {
        public final String action;
        public final String category;
        public final float score;
        public final String senderKind;
        /** {@code granted}, {@code revoked}, {@code unknown}, or null when not marketing. */
        public final String consent;
        public final List<String> reasonCodes;
        /**
         * The folder inside transaction or promotion (iOS 16 sub-actions: {@code finance},
         * {@code orders}, {@code reminders}, {@code health}, {@code public_services},
         * {@code weather}, {@code carrier}, {@code rewards}, {@code offers}, {@code coupons},
         * {@code other}), or null for allow and junk.
         */
        public final String subcategory;
        /** The message's 【签名】, or null. */
        public final String signature;

        Result(String compact) {
            // action␟category␟score-bits␟sender_kind␟consent␟codes␟subcategory␟signature (jni.rs)
            String[] f = compact.split("\u001f", 8);
            if (f.length != 8) {
                throw new SmsGuardException(SmsGuardException.Kind.INTERNAL, "malformed native result");
            }
            action = f[0];
            category = f[1];
            // Long.parseLong, not Integer.parseUnsignedInt: Android has the latter only from API 26.
            score = Float.intBitsToFloat((int) Long.parseLong(f[2], 16));
            senderKind = f[3];
            consent = f[4].isEmpty() ? null : f[4];
            reasonCodes = f[5].isEmpty()
                    ? Collections.emptyList()
                    : Collections.unmodifiableList(Arrays.asList(f[5].split("\u001e", -1)));
            subcategory = f[6].isEmpty() ? null : f[6];
            signature = f[7].isEmpty() ? null : f[7];
        }

        @Override
        public String toString() {
            return action + "/" + category + " " + score + " " + reasonCodes;
        }
    }

    private volatile long handle;

    private SmsGuardNative(long handle) {
        this.handle = handle;
    }

    /** The embedded rules and the embedded model (the default engine). */
    public static SmsGuardNative open() {
        return new SmsGuardNative(nativeOpen(null, null, true));
    }

    /** Replace the embedded rules with these packs ({@code origins[i]} names {@code texts[i]} in errors). */
    public static SmsGuardNative open(String[] origins, String[] texts) {
        return new SmsGuardNative(nativeOpen(origins, texts, true));
    }

    /**
     * As {@link #open(String[], String[])} (null arrays: the embedded rules); with
     * {@code embeddedModel}, also score with the model embedded in the library (the default of the
     * other overloads; false = rules only; numbers in models/README.md). A model that fails its
     * checks throws {@code INVALID_DATA}.
     */
    public static SmsGuardNative open(String[] origins, String[] texts, boolean embeddedModel) {
        return new SmsGuardNative(nativeOpen(origins, texts, embeddedModel));
    }

    /**
     * The embedded rules plus the user's state (consent, personal rules, feedback, report history,
     * settings) kept in the file at {@code statePath}; a missing file is an empty state, created on
     * the first change. A damaged or newer file throws {@code STATE_UNREADABLE} and is left as it is.
     */
    public static SmsGuardNative openWithState(String statePath) {
        return new SmsGuardNative(nativeOpenWithState(statePath, true));
    }

    /** As {@link #openWithState(String)}, optionally with the embedded model (see above). */
    public static SmsGuardNative openWithState(String statePath, boolean embeddedModel) {
        return new SmsGuardNative(nativeOpenWithState(statePath, embeddedModel));
    }

    /**
     * A session for an app that grows: the user's state in the file at {@code statePath} (null or
     * empty: in memory only), driven by versioned JSON requests through {@link #call(String)}.
     * {@code configJson} may be null, or {@code {"rule_packs": [{"origin", "text"}], "institutions":
     * {"origin", "text"}, "embedded_model": bool}} (every key optional; the model default, which the
     * user's {@code model} setting overrides). A damaged or newer state file throws
     * {@code STATE_UNREADABLE} and is left untouched; a state whose personal rules no longer compile
     * opens with them skipped ({@code state_info} lists them).
     */
    public static SmsGuardNative openSession(String statePath, String configJson) {
        return new SmsGuardNative(nativeOpenSession(statePath, configJson));
    }

    /**
     * One request, one response, both JSON: {@code {"v": 1, "op": "classify", "message": {...}}} →
     * {@code {"ok": true, "result": ...}} or {@code {"ok": false, "error": {"kind", "detail", ...}}}.
     * The ops are listed in bindings/README.md ("Requests"). A malformed request or a refused change
     * comes back as an error response, never as an exception; only a closed handle throws.
     */
    public String call(String requestJson) {
        return nativeCall(handle, requestJson);
    }

    /**
     * Move a state file that opening refused ({@code STATE_UNREADABLE}) to {@code <path>.corrupt-N}
     * so the app can start over; returns where it went. Ask the user first: their choices are in it.
     */
    public static String setAsideState(String statePath) {
        return nativeSetAsideState(statePath);
    }

    /** Where the message goes and why. A null sender or body reads as empty. */
    public Result classify(String sender, String body) {
        return new Result(nativeClassify(handle, sender, body));
    }

    /** Every intermediate step, as the same JSON as {@code smsguard explain}. */
    public String explainJson(String sender, String body) {
        return nativeExplainJson(handle, sender, body);
    }

    /**
     * The report plan for one message as JSON (the same document as {@code smsguard report}):
     * {@code reportable}, {@code drafts} (channel, kind, destination, body, segments, verified),
     * {@code warnings}, or {@code not_reportable} with its reason. {@code receivedAt} may be null.
     */
    public String reportJson(String sender, String body, String receivedAt) {
        return nativeReportJson(handle, sender, body, receivedAt);
    }

    /**
     * Record that the user sent the report through {@code channel} (a draft's channel), so the
     * message is not offered again. Returns false if it was already recorded for that channel.
     */
    public boolean reportSent(String sender, String body, String receivedAt, String channel) {
        return nativeReportSent(handle, sender, body, receivedAt, channel);
    }

    /** The user agrees to marketing from this 【签名】 (without brackets) and/or sender port (either may be null). */
    public void consentGrant(String signature, String port) {
        nativeConsent(handle, true, signature, port);
    }

    /** The user withdraws consent: that marketing becomes junk and reportable. */
    public void consentRevoke(String signature, String port) {
        nativeConsent(handle, false, signature, port);
    }

    /** Strict mode: marketing without recorded consent goes to junk. */
    public void setStrict(boolean strict) {
        nativeSetStrict(handle, strict);
    }

    /**
     * Use a model update (an NNEF archive and its manifest JSON) from the next call on, in place
     * of the model in use. It is checked first (sha256, featuriser and normaliser versions, archive
     * bounds, a test run); a wrong or corrupt model throws {@code INVALID_DATA} and the model in
     * use stays. Returns the new model's name. Not persisted: load it again after opening.
     */
    public String loadModel(byte[] model, String manifestJson) {
        return nativeLoadModel(handle, model, manifestJson);
    }

    /** The model in use (e.g. {@code embbag-v2}), or null when classifying with rules only. */
    public String modelName() {
        return nativeModelName(handle);
    }

    /** {@code {library version, normaliser version}}. */
    public static String[] version() {
        return nativeVersion().split("\u001f", 2);
    }

    @Override
    public void close() {
        long h;
        synchronized (this) {
            h = handle;
            handle = 0;
        }
        if (h != 0) {
            nativeClose(h);
        }
    }

    static native long nativeOpen(String[] origins, String[] texts, boolean embeddedModel);

    static native long nativeOpenWithState(String statePath, boolean embeddedModel);

    static native long nativeOpenSession(String statePath, String configJson);

    static native String nativeCall(long handle, String requestJson);

    static native String nativeSetAsideState(String statePath);

    static native boolean nativeClose(long handle);

    static native String nativeReportJson(long handle, String sender, String body, String receivedAt);

    static native boolean nativeReportSent(long handle, String sender, String body, String receivedAt, String channel);

    static native void nativeConsent(long handle, boolean grant, String signature, String port);

    static native void nativeSetStrict(long handle, boolean strict);

    static native String nativeClassify(long handle, String sender, String body);

    static native String nativeExplainJson(long handle, String sender, String body);

    static native String nativeLoadModel(long handle, byte[] model, String manifestJson);

    static native String nativeModelName(long handle);

    static native String nativeVersion();

    /** Only in libraries built with the {@code test-panic} feature: panics on purpose. */
    static native String nativeDebugPanic(String message);
}
