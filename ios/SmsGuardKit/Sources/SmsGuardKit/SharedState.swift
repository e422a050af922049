import Foundation

/// Where the user's state lives: one JSON file in the App Group container that the app and both
/// extensions share. The app writes it (through `StateEditor`: atomic rename of a new
/// generation); the extensions only read it (through `FilterEngine`), and never lock it.
public enum SharedState {
    /// The App Group in project.yml and the targets' entitlements.
    public static let appGroup = "group.com.smsguard.shared"
    /// Relative to the container: Library/Application Support is backed up and not user-visible.
    public static let relativePath = "Library/Application Support/smsguard/state.json"

    /// The state file inside a container directory.
    public static func stateURL(inContainer container: URL) -> URL {
        container.appendingPathComponent(relativePath, isDirectory: false)
    }

    /// Creates the state file's directory (the app calls this once; an extension never does:
    /// it may not write to the container, and a missing file reads as an empty state).
    public static func prepareDirectory(for stateURL: URL) throws {
        try FileManager.default.createDirectory(
            at: stateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    #if canImport(Darwin)
    /// The App Group container's state file, or nil when the entitlement is missing.
    public static func stateURL() -> URL? {
        FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: appGroup)
            .map(stateURL(inContainer:))
    }
    #endif
}
