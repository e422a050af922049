import SmsGuardFFI

/// The SMS the Report extension hands to iOS: with `ILClassificationExtensionSMSReportDestination`
/// = 12321 in its Info.plist, the system shows an SMS with `body` (the response's `userString`)
/// for the user to send.
public struct ReportSMS: Sendable, Equatable {
    /// `12321`.
    public let destination: String
    /// `号码*内容`: the sender as core normalised it, `*`, then the message text verbatim
    /// (12321 asks that it is never edited).
    public let body: String
    /// How many SMS `body` takes (70 characters single, 67 per part).
    public let segments: UInt32
    /// Whether the format is confirmed by a public source (core's formats table).
    public let verified: Bool
    /// The same report for 12321's web / app / WeChat form, to copy (that is where 12321 mainly
    /// takes reports today; the SMS channel is the historic one).
    public let copyText: String?
    /// Warnings to show before sending (e.g. a 106 port that may also send the user's codes).
    public let warnings: [Reason]
}

/// Whether a reported message gets a 12321 SMS.
public enum ReportDecision: Sendable, Equatable {
    case send(ReportSMS)
    /// Core refused: a transaction (a verification code, a notice), a personal message, or
    /// marketing the user consented to. Reporting those can get the user's own number
    /// blacklisted by SMS platforms. `reason` says why, in Chinese and English.
    case refused(reason: Reason?)
    /// Reportable, but the formats table has no 12321 SMS channel.
    case noChannel
}

/// Turns core's report plan into the Report extension's answer. Core decides what is reportable
/// and writes the body; this only picks the 12321 channels.
public enum ReportComposer {
    public static let smsChannel = "12321_sms"
    public static let copyChannel = "12321_web"

    public static func decide(_ plan: ReportPlan) -> ReportDecision {
        guard plan.reportable else { return .refused(reason: plan.notReportable) }
        guard let sms = plan.drafts.first(where: { $0.channel == smsChannel && $0.kind == .sms }) else {
            return .noChannel
        }
        let copy = plan.drafts.first(where: { $0.channel == copyChannel && $0.kind == .copy })
        return .send(ReportSMS(
            destination: sms.destination, body: sms.body, segments: sms.segments, verified: sms.verified,
            copyText: copy?.body, warnings: plan.warnings))
    }
}
