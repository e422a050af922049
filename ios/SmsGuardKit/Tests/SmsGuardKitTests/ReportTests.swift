import SmsGuardKit
import XCTest

/// The 12321 report SMS comes from core's report plan: `号码*内容` with the text verbatim, and no
/// report at all where core refuses one (codes, notices, personal messages).
final class ReportTests: XCTestCase {
    // Invented messages (never corpus text).
    static let spoof = SmsMessage(
        sender: "13912340000", body: "【北辰银行】您的会员积分即将清零，请登录 bc-jf.cn/a7 兑换现金，逾期作废。",
        receivedAt: nil)
    static let otp = SmsMessage(
        sender: "1069012345678", body: "【云杉出行】您的登录验证码为 284106，5分钟内有效，请勿泄露。", receivedAt: nil)
    static let debit = SmsMessage(
        sender: "95566", body: "【北辰银行】您尾号4402的储蓄卡12月02日09:15支出人民币56.00元。", receivedAt: nil)

    func makeEngine() throws -> FilterEngine { try FilterEngine(EngineOptions(statePath: nil, model: false)) }

    func testJunkGetsThe12321SMS() throws {
        let engine = try makeEngine()
        XCTAssertEqual(engine.verdict(for: Self.spoof).action, .junk)
        guard case let .send(sms) = engine.report(for: Self.spoof) else {
            return XCTFail("a junk message must get a report")
        }
        XCTAssertEqual(sms.destination, "12321")
        XCTAssertEqual(sms.body, "13912340000*" + Self.spoof.body, "号码*内容 with the text verbatim")
        XCTAssertEqual(sms.segments, 1)
        let copy = try XCTUnwrap(sms.copyText, "12321's web form text")
        XCTAssertTrue(copy.contains(Self.spoof.body))
    }

    func testSenderIsNormalisedAsCoreDoes() throws {
        let engine = try makeEngine()
        let m = SmsMessage(sender: "+86 139 1234 0000", body: Self.spoof.body, receivedAt: nil)
        guard case let .send(sms) = engine.report(for: m) else { return XCTFail("expected a report") }
        XCTAssertEqual(sms.body, "13912340000*" + Self.spoof.body)
    }

    func testNoReportForAVerificationCode() throws {
        let engine = try makeEngine()
        let v = engine.verdict(for: Self.otp)
        XCTAssertEqual(v.action, .transaction)
        XCTAssertEqual(v.category, .otp)
        guard case let .refused(reason) = engine.report(for: Self.otp) else {
            return XCTFail("a verification code must never be reported")
        }
        XCTAssertNotNil(reason, "core says why")
    }

    func testNoReportForABankNotice() throws {
        let engine = try makeEngine()
        XCTAssertEqual(engine.verdict(for: Self.debit).action, .transaction)
        guard case .refused = engine.report(for: Self.debit) else {
            return XCTFail("a transaction must never be reported")
        }
    }

    func testRefusalMatchesCoreForEveryVector() throws {
        let engine = try makeEngine()
        // The composer adds no rule of its own: it sends exactly when core's plan is reportable.
        for e in try Expected.load() {
            let m = SmsMessage(sender: e.sender, body: e.body, receivedAt: nil)
            switch engine.report(for: m) {
            case .send: XCTAssertTrue(["junk", "promotion"].contains(e.action), "\(e.id): reported a \(e.action)")
            case .refused, .noChannel: break
            }
            if e.action == "transaction" || e.action == "allow" {
                guard case .refused = engine.report(for: m) else { return XCTFail("\(e.id): \(e.action) reportable") }
            }
        }
    }
}
