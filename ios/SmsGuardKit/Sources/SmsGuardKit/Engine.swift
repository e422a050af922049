import SmsGuardFFI

/// How the engine is configured. The Message Filter extension opens exactly this and nothing
/// more: the embedded rules and institutions, the embedded model when `model` is on, and the
/// user's state file read once (no writer, no lock, no network).
public struct EngineOptions: Sendable, Equatable {
    /// The user's state file (App Group container), or nil for an in-memory state.
    public var statePath: String?
    /// Score with the model embedded in the library as well as the rules. The user's saved
    /// `model` setting in the state file overrides this default.
    public var model: Bool

    public init(statePath: String?, model: Bool = true) {
        self.statePath = statePath
        self.model = model
    }
}

/// The read-only engine: what the Message Filter and Report extensions use. It has no method
/// that writes: the extension may not write to the App Group container, and a reader never
/// takes the state file's lock (a suspended process holding a lock there is killed, 0xdead10cc).
/// A missing state file is an empty state and is not created.
public final class FilterEngine: Sendable {
    let guardObject: SmsGuard
    public let options: EngineOptions

    public init(_ options: EngineOptions) throws(GuardError) {
        let config = GuardConfig(rulePacks: [], institutions: nil, embeddedModel: options.model)
        guardObject = try GuardError.call {
            if let path = options.statePath {
                return try SmsGuard.openWithConfig(statePath: path, config: config)
            }
            return try SmsGuard.withConfig(config: config)
        }
        self.options = options
    }

    /// What an extension opens: the user's state when it can be read; when it cannot (damaged,
    /// or written by a newer app mid-update) the embedded defaults alone, so that filtering never
    /// stops because of a state file. The app reports the problem (it opens the same file with
    /// `StateEditor`). `statePath` nil (no App Group container) is the defaults as well.
    public static func forExtension(statePath: String?, model: Bool = true) throws(GuardError) -> FilterEngine {
        do throws(GuardError) {
            return try FilterEngine(EngineOptions(statePath: statePath, model: model))
        } catch .stateUnreadable {
            return try FilterEngine(EngineOptions(statePath: nil, model: model))
        }
    }

    /// Where the message goes and why. Never fails (a message the engine failed on stays in the
    /// inbox with the reason `internal_error`).
    public func verdict(for message: SmsMessage) -> Verdict {
        guardObject.classify(message: message)
    }

    /// The filter extension's answer for one message.
    public func decision(for message: SmsMessage) -> FilterDecision {
        FilterDecision(verdict(for: message))
    }

    /// The 12321 SMS report for a message the user reports, or why there is none (see
    /// `ReportComposer`).
    public func report(for message: SmsMessage) -> ReportDecision {
        ReportComposer.decide(guardObject.report(message: message))
    }

    /// Every step the engine took, as core's JSON (the same document as `smsguard explain`).
    public func explainJSON(for message: SmsMessage) throws(GuardError) -> String {
        try GuardError.call { try guardObject.explainJson(message: message) }
    }

    /// Re-read the state file (after the app changed it). Takes no lock.
    public func reload() throws(GuardError) {
        try GuardError.call { try guardObject.reloadState() }
    }

    /// The library and model in use.
    public var version: VersionInfo { guardObject.version() }

    /// Saved personal rules that no longer compile and are skipped (ids and kinds only).
    public var stateProblems: [String] { guardObject.stateProblems() }
}
