package com.example.oemmessages;

import android.content.Context;
import android.os.Handler;
import android.os.HandlerThread;
import android.util.Log;

import com.smsguard.oem.SmsGuardException;
import com.smsguard.oem.SmsGuardNative;

/**
 * How an OEM Messages app might embed smsguard (docs/oem-integration.md): one engine per process,
 * opened lazily off the main thread with the user's state in the app's files directory, used from
 * any thread. (A direct-boot-aware app would keep it in createDeviceProtectedStorageContext(),
 * API 24, which the API-23 android.jar this is compiled against here does not have.)
 * Compiled by scripts/check-kit.sh against android.jar and the AAR's classes.jar only.
 */
public final class SmsFilter {
    /** Where the message goes in the OEM's UI. */
    public enum Folder { INBOX, TRANSACTIONS, PROMOTIONS, JUNK }

    /** Called on the filter thread with the folder; never with the message text. */
    public interface Callback {
        void onSorted(Folder folder, String category);
    }

    private static final String TAG = "OemSmsFilter";
    private static SmsFilter instance;

    private final String statePath;
    private final Handler worker;
    private SmsGuardNative engine; // opened on the worker thread, then shared by every thread

    private SmsFilter(Context context) {
        statePath = context.getFilesDir().getAbsolutePath() + "/smsguard-state.json";
        HandlerThread thread = new HandlerThread("smsguard");
        thread.start();
        worker = new Handler(thread.getLooper());
    }

    public static synchronized SmsFilter get(Context context) {
        if (instance == null) {
            instance = new SmsFilter(context.getApplicationContext());
        }
        return instance;
    }

    /** Sorts one incoming message on the filter thread; a failure leaves it in the inbox. */
    public void sort(final String sender, final String body, final Callback callback) {
        worker.post(new Runnable() {
            @Override
            public void run() {
                Folder folder = Folder.INBOX;
                String category = "unknown";
                try {
                    SmsGuardNative.Result r = engine().classify(sender, body);
                    folder = folderOf(r.action);
                    category = r.category;
                } catch (SmsGuardException e) {
                    // The kind only: the message may be quoted in the error's text.
                    Log.w(TAG, "classify failed: " + e.getKind());
                }
                callback.onSorted(folder, category);
            }
        });
    }

    /** The user's "not spam" / consent choices go through the same engine and state file. */
    public void grantConsent(final String signature) {
        worker.post(new Runnable() {
            @Override
            public void run() {
                engine().consentGrant(signature, null);
            }
        });
    }

    private synchronized SmsGuardNative engine() {
        if (engine == null) {
            try {
                engine = SmsGuardNative.openWithState(statePath);
            } catch (SmsGuardException e) {
                if (e.getKind() != SmsGuardException.Kind.STATE_UNREADABLE) {
                    throw e;
                }
                // Damaged or newer state: keep it aside for support, start with an empty one.
                Log.w(TAG, "state set aside: " + SmsGuardNative.setAsideState(statePath));
                engine = SmsGuardNative.openWithState(statePath);
            }
            String[] v = SmsGuardNative.version();
            Log.i(TAG, "smsguard " + v[0] + ", model " + engine.modelName());
        }
        return engine;
    }

    static Folder folderOf(String action) {
        if ("junk".equals(action)) {
            return Folder.JUNK;
        } else if ("transaction".equals(action)) {
            return Folder.TRANSACTIONS;
        } else if ("promotion".equals(action)) {
            return Folder.PROMOTIONS;
        }
        return Folder.INBOX;
    }
}
