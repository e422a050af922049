import Foundation
import SmsGuardKit
import XCTest

/// The user's state file as the app, the CLI and the extensions share it.
final class StateTests: XCTestCase {
    static let promo = SmsMessage(
        sender: "10690077", body: "【潮汐优选】年末清仓，全场满199减60，回T退订", receivedAt: nil)

    func testStateWrittenByTheCLIIsReadThroughSwift() throws {
        let dir = try Env.scratchDirectory()
        let state = dir.appendingPathComponent("state.json").path
        let before = try FilterEngine(EngineOptions(statePath: state, model: false)).verdict(for: Self.promo)
        XCTAssertEqual(before.action, .promotion)

        try runCLI(["consent", "revoke", "--signature", "潮汐优选", "--state", state])
        let hike = SmsMessage(sender: "13800002222", body: "周六一起去香山爬山吗？早上八点地铁口见。", receivedAt: nil)
        XCTAssertEqual(try FilterEngine(EngineOptions(statePath: state, model: false)).verdict(for: hike).action, .allow)
        try runCLI(["rules", "add", "block", "keyword", "香山爬山", "--state", state])
        try runCLI(["settings", "--strict", "true", "--state", state])

        let engine = try FilterEngine(EngineOptions(statePath: state, model: false))
        let after = engine.verdict(for: Self.promo)
        XCTAssertEqual(after.action, .junk, "revoked consent: unsolicited marketing")
        XCTAssertEqual(after.consent, .revoked)
        XCTAssertEqual(engine.verdict(for: hike).action, .junk, "the CLI's block rule applies")
        XCTAssertTrue(engine.stateProblems.isEmpty)

        let editor = try StateEditor(statePath: state, model: false)
        XCTAssertEqual(editor.consents.map(\.signature), ["潮汐优选"])
        XCTAssertEqual(editor.consents.first?.state, .revoked)
        XCTAssertEqual(editor.rules.map(\.value), ["香山爬山"])
        XCTAssertTrue(editor.strict)
    }

    func testCorruptStateFileThrowsAndIsLeftUntouched() throws {
        let dir = try Env.scratchDirectory()
        let url = dir.appendingPathComponent("state.json")
        let garbage = Data("{\"format\": \"smsguard-state\", \"version\": 1, \"gen".utf8)
        try garbage.write(to: url)
        XCTAssertThrowsError(try FilterEngine(EngineOptions(statePath: url.path, model: false))) { error in
            guard case let GuardError.stateUnreadable(path, _) = error else {
                return XCTFail("expected stateUnreadable, got \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
        XCTAssertEqual(try Data(contentsOf: url), garbage, "never overwritten")
        // The app, after asking the user, moves it aside and starts over.
        let moved = try StateEditor.setAside(statePath: url.path)
        XCTAssertTrue(moved.hasSuffix(".corrupt-1"))
        XCTAssertEqual(try StateEditor(statePath: url.path, model: false).consents.count, 0)
    }

    func testExtensionFallsBackToDefaultsOnACorruptState() throws {
        let dir = try Env.scratchDirectory()
        let url = dir.appendingPathComponent("state.json")
        try Data("not json".utf8).write(to: url)
        let engine = try FilterEngine.forExtension(statePath: url.path, model: false)
        XCTAssertNil(engine.options.statePath, "ran on the embedded defaults")
        XCTAssertEqual(engine.verdict(for: Self.promo).action, .promotion)
        XCTAssertEqual(try Data(contentsOf: url), Data("not json".utf8), "left for the app to handle")
        // A readable state is used.
        let good = dir.appendingPathComponent("good.json").path
        try StateEditor(statePath: good, model: false).revokeConsent(signature: "潮汐优选")
        let reader = try FilterEngine.forExtension(statePath: good, model: false)
        XCTAssertEqual(reader.options.statePath, good)
        XCTAssertEqual(reader.verdict(for: Self.promo).action, .junk)
    }

    func testFilterEngineNeverWritesTheContainer() throws {
        // The Message Filter extension may not write to the App Group container, and must never
        // take a lock there: opening, classifying and planning a report leave the directory as
        // it was (no state file, no lock file, no temp file).
        let dir = try Env.scratchDirectory()
        let state = SharedState.stateURL(inContainer: dir)
        try SharedState.prepareDirectory(for: state)
        let engine = try FilterEngine(EngineOptions(statePath: state.path, model: true))
        _ = engine.decision(for: Self.promo)
        _ = engine.report(for: ReportTests.spoof)
        try engine.reload()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state.deletingLastPathComponent().path), [])

        // With a committed state: still nothing written next to it.
        let editor = try StateEditor(statePath: state.path, model: false)
        try editor.revokeConsent(signature: "潮汐优选")
        let lock = state.path + ".lock"
        try? FileManager.default.removeItem(atPath: lock)
        let listing = try FileManager.default.contentsOfDirectory(atPath: state.deletingLastPathComponent().path)
        let reader = try FilterEngine(EngineOptions(statePath: state.path, model: true))
        XCTAssertEqual(reader.verdict(for: Self.promo).action, .junk)
        try reader.reload()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state.deletingLastPathComponent().path).sorted(),
                       listing.sorted())
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock), "a reader never takes the lock")
    }

    func testAppChangesReachTheExtensionAfterReload() throws {
        let dir = try Env.scratchDirectory()
        let state = dir.appendingPathComponent("state.json").path
        let editor = try StateEditor(statePath: state, model: false)
        let reader = try FilterEngine(EngineOptions(statePath: state, model: false))
        XCTAssertEqual(reader.verdict(for: Self.promo).action, .promotion)
        try editor.revokeConsent(signature: "潮汐优选")
        XCTAssertEqual(editor.verdict(for: Self.promo).action, .junk, "the app sees its change at once")
        try reader.reload()
        XCTAssertEqual(reader.decision(for: Self.promo), FilterDecision(action: .junk, subAction: .none))
    }

    func testInvalidRuleIsRefusedWithADetailToShowInPlace() throws {
        let dir = try Env.scratchDirectory()
        let editor = try StateEditor(statePath: dir.appendingPathComponent("state.json").path, model: false)
        XCTAssertThrowsError(try editor.addRule(.block, .keyword, "")) { error in
            guard case let GuardError.invalidData(origin, _, _, detail) = error else {
                return XCTFail("expected invalidData, got \(error)")
            }
            XCTAssertEqual(origin, "user rules")
            XCTAssertFalse(detail.isEmpty)
        }
        XCTAssertEqual(editor.rules.count, 0, "nothing saved")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("state.json").path))
    }

    func testFeedbackHistory() throws {
        let dir = try Env.scratchDirectory()
        let editor = try StateEditor(statePath: dir.appendingPathComponent("state.json").path, model: false)
        let entry = try editor.feedback(.notJunk, on: ReportTests.spoof)
        XCTAssertEqual(editor.feedbackHistory.map(\.id), [entry.id])
        try editor.undoFeedback(id: entry.id)
        XCTAssertEqual(editor.feedbackHistory.count, 0)
        XCTAssertThrowsError(try editor.undoFeedback(id: entry.id)) { error in
            guard case GuardError.invalidData = error else { return XCTFail("got \(error)") }
        }
    }
}
