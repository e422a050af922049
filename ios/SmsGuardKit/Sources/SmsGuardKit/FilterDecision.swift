import SmsGuardFFI

/// The folder iOS files a message in: `ILMessageFilterAction`'s raw values, so the
/// IdentityLookup layer converts with `init(rawValue:)` and nothing else.
public enum FilterAction: Int, Sendable, CaseIterable {
    case none = 0
    case allow = 1
    case junk = 2
    case promotion = 3
    case transaction = 4
}

/// iOS 16's sub-folders: `ILMessageFilterSubAction`'s raw values.
public enum FilterSubAction: Int, Sendable, CaseIterable {
    case none = 0
    case transactionalOthers = 10000
    case transactionalFinance = 10001
    case transactionalOrders = 10002
    case transactionalReminders = 10003
    case transactionalHealth = 10004
    case transactionalWeather = 10005
    case transactionalCarrier = 10006
    case transactionalRewards = 10007
    case transactionalPublicServices = 10008
    case promotionalOthers = 20000
    case promotionalOffers = 20001
    case promotionalCoupons = 20002

    public var isTransactional: Bool { (10000..<20000).contains(rawValue) }
    public var isPromotional: Bool { (20000..<30000).contains(rawValue) }
}

/// What the Message Filter extension answers for one message: core's verdict mapped onto the
/// folders iOS has. Core decides; this only translates.
public struct FilterDecision: Sendable, Equatable {
    public let action: FilterAction
    /// `.none` unless the action is transaction or promotion.
    public let subAction: FilterSubAction

    public init(action: FilterAction, subAction: FilterSubAction) {
        self.action = action
        self.subAction = subAction
    }

    public init(_ verdict: Verdict) {
        self = FilterDecision.map(action: verdict.action, subcategory: verdict.subcategory)
    }

    /// The mapping itself: core's action is the folder, core's subcategory (set for transaction
    /// and promotion verdicts) the iOS 16 sub-folder. Exhaustive switches: a subcategory added in
    /// core does not compile here until it is placed. A transaction or promotion without a
    /// subcategory (core always sets one) files under the folder's Others.
    public static func map(action: Action, subcategory: Subcategory?) -> FilterDecision {
        switch action {
        case .none: return FilterDecision(action: .none, subAction: .none)
        case .allow: return FilterDecision(action: .allow, subAction: .none)
        case .junk: return FilterDecision(action: .junk, subAction: .none)
        case .transaction:
            return FilterDecision(action: .transaction, subAction: subcategory.map(transactional) ?? .transactionalOthers)
        case .promotion:
            return FilterDecision(action: .promotion, subAction: subcategory.map(promotional) ?? .promotionalOthers)
        }
    }

    static func transactional(_ s: Subcategory) -> FilterSubAction {
        switch s {
        case .finance: return .transactionalFinance
        case .orders: return .transactionalOrders
        case .reminders: return .transactionalReminders
        case .health: return .transactionalHealth
        case .publicServices: return .transactionalPublicServices
        case .weather: return .transactionalWeather
        case .carrier: return .transactionalCarrier
        case .rewards: return .transactionalRewards
        case .other: return .transactionalOthers
        // Promotion-only: core never pairs these with `transaction` (Subcategory::fits).
        case .offers, .coupons: return .transactionalOthers
        }
    }

    static func promotional(_ s: Subcategory) -> FilterSubAction {
        switch s {
        case .offers: return .promotionalOffers
        case .coupons: return .promotionalCoupons
        case .other: return .promotionalOthers
        // Transaction-only: core never pairs these with `promotion` (Subcategory::fits).
        case .finance, .orders, .reminders, .health, .publicServices, .weather, .carrier, .rewards:
            return .promotionalOthers
        }
    }
}

/// The capabilities answer (`ILMessageFilterCapabilitiesQueryResponse`): the sub-folders this
/// extension can file messages in, which is every sub-action the mapping produces.
public enum FilterCapabilities {
    public static let transactionalSubActions: [FilterSubAction] = [
        .transactionalFinance, .transactionalOrders, .transactionalReminders, .transactionalHealth,
        .transactionalPublicServices, .transactionalWeather, .transactionalCarrier, .transactionalRewards,
        .transactionalOthers,
    ]
    public static let promotionalSubActions: [FilterSubAction] = [
        .promotionalOffers, .promotionalCoupons, .promotionalOthers,
    ]
}
