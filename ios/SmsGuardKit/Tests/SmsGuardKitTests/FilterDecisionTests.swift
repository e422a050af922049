import SmsGuardKit
import Testing

/// The iOS 16 sub-folder for every subcategory core can produce, under each action core pairs it
/// with (core's `Subcategory::fits`). `expected(_:)` has no default: a subcategory added in core
/// stops this file compiling until it has a row; `VectorTests` also checks every vector's
/// subcategory against this table.
@Suite struct FilterDecisionTable {
    /// (sub-folder under transaction, under promotion); nil where core never pairs them.
    static func expected(_ s: Subcategory) -> (transaction: FilterSubAction?, promotion: FilterSubAction?) {
        switch s {
        case .finance: return (.transactionalFinance, nil)
        case .orders: return (.transactionalOrders, nil)
        case .reminders: return (.transactionalReminders, nil)
        case .health: return (.transactionalHealth, nil)
        case .publicServices: return (.transactionalPublicServices, nil)
        case .weather: return (.transactionalWeather, nil)
        case .carrier: return (.transactionalCarrier, nil)
        case .rewards: return (.transactionalRewards, nil)
        case .offers: return (nil, .promotionalOffers)
        case .coupons: return (nil, .promotionalCoupons)
        case .other: return (.transactionalOthers, .promotionalOthers)
        }
    }

    /// Every subcategory, in core's order (`Subcategory::ALL`).
    static let allSubcategories: [Subcategory] = [
        .finance, .orders, .reminders, .health, .publicServices, .weather, .carrier, .rewards, .offers,
        .coupons, .other,
    ]

    @Test func everySubcategoryIsListedOnce() {
        #expect(Set(Self.allSubcategories.map(\.code)).count == Self.allSubcategories.count)
        #expect(Self.allSubcategories.count == 11, "core has 11 subcategories: list a new one here and in expected(_:)")
    }

    @Test(arguments: allSubcategories)
    func subcategoryMapsToItsSubFolder(_ s: Subcategory) {
        let (transaction, promotion) = Self.expected(s)
        #expect(transaction != nil || promotion != nil, "\(s.code) has a folder")
        if let transaction {
            #expect(FilterDecision.map(action: .transaction, subcategory: s)
                == FilterDecision(action: .transaction, subAction: transaction), "transaction/\(s.code)")
        }
        if let promotion {
            #expect(FilterDecision.map(action: .promotion, subcategory: s)
                == FilterDecision(action: .promotion, subAction: promotion), "promotion/\(s.code)")
        }
        // Whatever the subcategory, the folders without sub-folders stay plain.
        for (a, f) in [(Action.allow, FilterAction.allow), (.junk, .junk), (.none, .none)] {
            #expect(FilterDecision.map(action: a, subcategory: s) == FilterDecision(action: f, subAction: .none))
        }
    }

    @Test func missingSubcategoryFilesUnderOthers() {
        #expect(FilterDecision.map(action: .transaction, subcategory: nil).subAction == .transactionalOthers)
        #expect(FilterDecision.map(action: .promotion, subcategory: nil).subAction == .promotionalOthers)
        #expect(FilterDecision.map(action: .junk, subcategory: nil) == FilterDecision(action: .junk, subAction: .none))
    }

    @Test func rawValuesAreIdentityLookups() {
        #expect(FilterAction.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(FilterSubAction.allCases.map(\.rawValue) == [0] + Array(10000...10008) + Array(20000...20002))
    }

    /// The capabilities answer offers exactly the sub-folders the mapping can produce.
    @Test func capabilitiesOfferWhatTheMappingProduces() {
        let table = Self.allSubcategories.map(Self.expected)
        #expect(Set(FilterCapabilities.transactionalSubActions) == Set(table.compactMap(\.transaction)))
        #expect(Set(FilterCapabilities.promotionalSubActions) == Set(table.compactMap(\.promotion)))
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
