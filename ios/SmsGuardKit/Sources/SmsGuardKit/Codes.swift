import Foundation
import SmsGuardFFI

// Core's stable snake_case names (the CLI's and the JSON requests' strings), for the app's
// screens, analytics-free logs and the tests that compare with Rust. Exhaustive switches: a
// case added in core does not compile until it is named here.

extension Action {
    public var code: String {
        switch self {
        case .none: return "none"
        case .allow: return "allow"
        case .transaction: return "transaction"
        case .promotion: return "promotion"
        case .junk: return "junk"
        }
    }
}

extension Category {
    public var code: String {
        switch self {
        case .none: return "none"
        case .personal: return "personal"
        case .otp: return "otp"
        case .finance: return "finance"
        case .orders: return "orders"
        case .reminders: return "reminders"
        case .health: return "health"
        case .weather: return "weather"
        case .carrier: return "carrier"
        case .rewards: return "rewards"
        case .publicServices: return "public_services"
        case .offers: return "offers"
        case .coupons: return "coupons"
        case .fraud: return "fraud"
        case .phishing: return "phishing"
        case .gambling: return "gambling"
        case .adult: return "adult"
        case .illegalGoods: return "illegal_goods"
        case .unsolicitedMarketing: return "unsolicited_marketing"
        case .other: return "other"
        }
    }
}

extension Subcategory {
    public var code: String {
        switch self {
        case .finance: return "finance"
        case .orders: return "orders"
        case .reminders: return "reminders"
        case .health: return "health"
        case .publicServices: return "public_services"
        case .weather: return "weather"
        case .carrier: return "carrier"
        case .rewards: return "rewards"
        case .offers: return "offers"
        case .coupons: return "coupons"
        case .other: return "other"
        }
    }
}

extension SenderKind {
    public var code: String {
        switch self {
        case .mobile: return "mobile"
        case .port106: return "port106"
        case .service: return "service"
        case .carrier: return "carrier"
        case .landline: return "landline"
        case .alphanumeric: return "alphanumeric"
        case .international: return "international"
        case .unknown: return "unknown"
        }
    }
}

extension Consent {
    public var code: String {
        switch self {
        case .granted: return "granted"
        case .revoked: return "revoked"
        case .unknown: return "unknown"
        }
    }
}

extension Reason {
    /// The reason in the user's language: Chinese first (and when no preference is known),
    /// English for any other first preferred language.
    public func text(for preferredLanguages: [String] = Locale.preferredLanguages) -> String {
        guard let first = preferredLanguages.first, !first.lowercased().hasPrefix("zh") else { return zh }
        return en
    }
}
