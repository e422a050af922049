import SmsGuardFFI

/// The app's side of the user's state: consent per signature, personal rules, feedback and
/// settings. Every change is checked by core before it is saved (a value that would leave an
/// unloadable state is refused with `.invalidData` and nothing is written), committed
/// atomically (new generation by rename), and honoured by the next `verdict`. Only the app
/// uses this type; the extensions use `FilterEngine`, which cannot write.
public final class StateEditor: Sendable {
    let guardObject: SmsGuard

    /// Opens (or, on the first change, creates) the state file at `statePath`.
    public init(statePath: String, model: Bool = true) throws(GuardError) {
        let config = GuardConfig(rulePacks: [], institutions: nil, embeddedModel: model)
        guardObject = try GuardError.call { try SmsGuard.openWithConfig(statePath: statePath, config: config) }
    }

    /// Moves a damaged state file aside (`<path>.corrupt-<n>`, returned) after the user agreed,
    /// so that the next open starts from an empty state.
    public static func setAside(statePath: String) throws(GuardError) -> String {
        try GuardError.call { try setAsideState(statePath: statePath) }
    }

    // MARK: test a message (the app's "test a message" screen)

    public func verdict(for message: SmsMessage) -> Verdict { guardObject.classify(message: message) }
    public func decision(for message: SmsMessage) -> FilterDecision { FilterDecision(verdict(for: message)) }

    // MARK: consent

    public var consents: [ConsentEntry] { guardObject.consentList() }

    @discardableResult
    public func grantConsent(signature: String?, port: String? = nil) throws(GuardError) -> ConsentEntry {
        try GuardError.call { try guardObject.consentGrant(signature: signature, port: port) }
    }

    @discardableResult
    public func revokeConsent(signature: String?, port: String? = nil) throws(GuardError) -> ConsentEntry {
        try GuardError.call { try guardObject.consentRevoke(signature: signature, port: port) }
    }

    /// False when nothing was recorded for that key.
    @discardableResult
    public func forgetConsent(signature: String?, port: String? = nil) throws(GuardError) -> Bool {
        try GuardError.call { try guardObject.consentForget(signature: signature, port: port) }
    }

    // MARK: personal rules

    public var rules: [UserRule] { guardObject.rulesList() }

    /// Adds a rule and returns its id. A bad value throws `.invalidData(origin: "user rules", …)`
    /// whose `detail` is the sentence to show beside the field.
    @discardableResult
    public func addRule(_ effect: UserRuleEffect, _ kind: UserRuleKind, _ value: String) throws(GuardError) -> UInt32 {
        try GuardError.call { try guardObject.rulesAdd(effect: effect, kind: kind, value: value) }
    }

    @discardableResult
    public func removeRule(id: UInt32) throws(GuardError) -> UserRule {
        try GuardError.call { try guardObject.rulesRemove(id: id) }
    }

    // MARK: feedback

    public var feedbackHistory: [FeedbackEntry] { guardObject.feedbackList() }

    @discardableResult
    public func feedback(_ kind: FeedbackKind, on message: SmsMessage) throws(GuardError) -> FeedbackEntry {
        try GuardError.call { try guardObject.feedback(kind: kind, message: message) }
    }

    @discardableResult
    public func undoFeedback(id: UInt32) throws(GuardError) -> FeedbackEntry {
        try GuardError.call { try guardObject.feedbackUndo(id: id) }
    }

    // MARK: settings

    public var strict: Bool { guardObject.strict() }

    public func setStrict(_ on: Bool) throws(GuardError) {
        try GuardError.call { try guardObject.setStrict(strict: on) }
    }
}
