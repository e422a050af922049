// Compile-only stub (API 26; Debian's android.jar is API 23). Never dexed: android/build.sh puts
// android/stubs on kotlinc's classpath and ProGuard's -libraryjars only, so the device's own class
// is used. Call it only under Build.VERSION.SDK_INT >= 26. Signatures as in the SDK.
package android.app;

public final class NotificationChannel {
    public NotificationChannel(String id, CharSequence name, int importance) { throw new RuntimeException("Stub!"); }
    public String getId() { throw new RuntimeException("Stub!"); }
    public void setDescription(String description) { throw new RuntimeException("Stub!"); }
    public void setShowBadge(boolean showBadge) { throw new RuntimeException("Stub!"); }
    public void enableVibration(boolean vibration) { throw new RuntimeException("Stub!"); }
    public void setSound(android.net.Uri sound, android.media.AudioAttributes audioAttributes) { throw new RuntimeException("Stub!"); }
    public int getImportance() { throw new RuntimeException("Stub!"); }
}
