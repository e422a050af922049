import SmsGuardFFI
import SmsGuardKit
import Testing

/// A panic inside the library arrives as a Swift error, without its text, and the library keeps
/// working. `debugPanic` exists only in the test build (feature `test-panic`).
@Test func panicArrivesAsSwiftError() throws {
    let secret = "测试正文 A1B2C3"
    do {
        _ = try GuardError.call { try debugPanic(message: secret) }
        Issue.record("debugPanic returned instead of throwing")
    } catch let GuardError.internal(detail) {
        #expect(!detail.contains("A1B2C3") && !detail.contains("测试正文"), "no message text crosses")
    } catch {
        Issue.record("expected .internal, got \(error)")
    }
    let engine = try FilterEngine(EngineOptions(statePath: nil, model: false))
    #expect(engine.verdict(for: SmsMessage(sender: "1069012345678", body: "【云杉出行】您的登录验证码为 284106，5分钟内有效，请勿泄露。", receivedAt: nil)).action == .transaction, "still classifies")
}
