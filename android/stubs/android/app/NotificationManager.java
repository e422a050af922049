// Compile-only stub that REPLACES android.jar's (API 23) NotificationManager on the compile
// classpath (android/stubs comes first), to add the API 24/26 members. Never dexed. Only the
// members listed here can be called: add any other from the SDK with the same signature.
// Guard members newer than 23 with Build.VERSION.SDK_INT.
package android.app;

public class NotificationManager {
    public static final int IMPORTANCE_UNSPECIFIED = -1000; // API 24
    public static final int IMPORTANCE_NONE = 0;            // API 24
    public static final int IMPORTANCE_MIN = 1;             // API 24
    public static final int IMPORTANCE_LOW = 2;             // API 24
    public static final int IMPORTANCE_DEFAULT = 3;         // API 24
    public static final int IMPORTANCE_HIGH = 4;            // API 24

    NotificationManager() { throw new RuntimeException("Stub!"); }
    public void notify(int id, Notification notification) { throw new RuntimeException("Stub!"); }
    public void notify(String tag, int id, Notification notification) { throw new RuntimeException("Stub!"); }
    public void cancel(int id) { throw new RuntimeException("Stub!"); }
    public void cancel(String tag, int id) { throw new RuntimeException("Stub!"); }
    public void cancelAll() { throw new RuntimeException("Stub!"); }
    public android.service.notification.StatusBarNotification[] getActiveNotifications() { throw new RuntimeException("Stub!"); } // API 23
    public boolean areNotificationsEnabled() { throw new RuntimeException("Stub!"); } // API 24
    public void createNotificationChannel(NotificationChannel channel) { throw new RuntimeException("Stub!"); } // API 26
    public NotificationChannel getNotificationChannel(String channelId) { throw new RuntimeException("Stub!"); } // API 26
    public void deleteNotificationChannel(String channelId) { throw new RuntimeException("Stub!"); } // API 26
    public boolean isNotificationListenerAccessGranted(android.content.ComponentName listener) { throw new RuntimeException("Stub!"); } // API 27
}
