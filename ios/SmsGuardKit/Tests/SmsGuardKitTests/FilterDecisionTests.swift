import SmsGuardKit
import Testing

/// The folder and iOS 16 sub-folder for every category core can produce. `expected(_:)` has no
/// default: a category added in core stops this file compiling until it has a row here.
@Suite struct FilterDecisionTable {
    /// (action core pairs it with, the folder, the sub-folder). Junk categories have no sub-folder.
    static func expected(_ c: Category) -> (Action, FilterAction, FilterSubAction) {
        switch c {
        case .none: return (.none, .none, .none)
        case .personal: return (.allow, .allow, .none)
        case .otp: return (.transaction, .transaction, .transactionalOthers)
        case .finance: return (.transaction, .transaction, .transactionalFinance)
        case .orders: return (.transaction, .transaction, .transactionalOrders)
        case .reminders: return (.transaction, .transaction, .transactionalReminders)
        case .health: return (.transaction, .transaction, .transactionalHealth)
        case .weather: return (.transaction, .transaction, .transactionalWeather)
        case .carrier: return (.transaction, .transaction, .transactionalCarrier)
        case .rewards: return (.transaction, .transaction, .transactionalRewards)
        case .publicServices: return (.transaction, .transaction, .transactionalPublicServices)
        case .offers: return (.promotion, .promotion, .promotionalOffers)
        case .coupons: return (.promotion, .promotion, .promotionalCoupons)
        case .fraud, .phishing, .gambling, .adult, .illegalGoods, .unsolicitedMarketing: return (.junk, .junk, .none)
        case .other: return (.junk, .junk, .none)
        }
    }

    /// Every category, in core's order. Checked against `expected(_:)`'s exhaustive switch by
    /// `everyCategoryIsListed` through the codes (core's stable strings).
    static let allCategories: [Category] = [
        .none, .personal, .otp, .finance, .orders, .reminders, .health, .weather, .carrier, .rewards,
        .publicServices, .offers, .coupons, .fraud, .phishing, .gambling, .adult, .illegalGoods,
        .unsolicitedMarketing, .other,
    ]

    @Test func everyCategoryIsListed() {
        #expect(Set(Self.allCategories.map(\.code)).count == Self.allCategories.count)
        #expect(Self.allCategories.count == 20, "core has 20 categories: list a new one here and in expected(_:)")
    }

    @Test(arguments: allCategories)
    func categoryMapsToItsFolder(_ c: Category) {
        let (action, folder, sub) = Self.expected(c)
        #expect(FilterDecision.map(action: action, category: c) == FilterDecision(action: folder, subAction: sub),
                "category \(c.code)")
    }

    /// `other` is shared by transaction, promotion and junk.
    @Test func otherUnderEachAction() {
        #expect(FilterDecision.map(action: .transaction, category: .other).subAction == .transactionalOthers)
        #expect(FilterDecision.map(action: .promotion, category: .other).subAction == .promotionalOthers)
        #expect(FilterDecision.map(action: .junk, category: .other) == FilterDecision(action: .junk, subAction: .none))
    }

    @Test func rawValuesAreIdentityLookups() {
        #expect(FilterAction.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(FilterSubAction.allCases.map(\.rawValue) == [0] + Array(10000...10008) + Array(20000...20002))
    }

    /// The capabilities answer offers exactly the sub-folders the mapping can produce.
    @Test func capabilitiesOfferWhatTheMappingProduces() {
        var produced = Set<FilterSubAction>()
        for c in Self.allCategories {
            for a in [Action.transaction, .promotion] {
                produced.insert(FilterDecision.map(action: a, category: c).subAction)
            }
        }
        #expect(Set(FilterCapabilities.transactionalSubActions) == produced.filter(\.isTransactional))
        #expect(Set(FilterCapabilities.promotionalSubActions) == produced.filter(\.isPromotional))
        #expect(FilterCapabilities.transactionalSubActions.count == 9)
        #expect(FilterCapabilities.promotionalSubActions.count == 3)
    }
}

@Test func reasonsAreChineseFirst() {
    let r = Reason(code: "otp_code", zh: "验证码", en: "verification code")
    #expect(r.text(for: []) == "验证码")
    #expect(r.text(for: ["zh-Hans-CN", "en"]) == "验证码")
    #expect(r.text(for: ["en-GB", "zh-Hans"]) == "verification code")
}
