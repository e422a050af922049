import SmsGuardKit
import XCTest

/// The shared vectors (testdata/inbox.jsonl + bindings/testdata/messages.jsonl) through the Swift
/// API agree exactly with the Rust engine: every verdict field, the score's f32 bits, and the
/// whole explanation document.
final class VectorTests: XCTestCase {
    func testEveryVectorAgreesWithRust() throws {
        let expected = try Expected.load()
        XCTAssertGreaterThanOrEqual(expected.count, 40, "expected.tsv should hold every shared vector")
        // expected.rs runs the default engine: embedded rules and model, empty user state.
        let engine = try FilterEngine(EngineOptions(statePath: nil, model: true))
        let verdicts = expected.map { engine.verdict(for: SmsMessage(sender: $0.sender, body: $0.body, receivedAt: nil)) }
        var mismatched: [String] = []
        for (e, v) in zip(expected, verdicts) {
            // Ids only in failure messages: never message text or numbers.
            var diff: [String] = []
            if v.action.code != e.action { diff.append("action \(v.action.code) != \(e.action)") }
            if v.category.code != e.category { diff.append("category \(v.category.code) != \(e.category)") }
            if v.subcategory?.code != e.subcategory { diff.append("subcategory \(v.subcategory?.code ?? "nil") != \(e.subcategory ?? "nil")") }
            if v.score.bitPattern != e.scoreBits { diff.append("score bits differ") }
            if v.senderKind.code != e.senderKind { diff.append("sender kind \(v.senderKind.code) != \(e.senderKind)") }
            if v.consent?.code != e.consent { diff.append("consent differs") }
            if v.reasons.map(\.code) != e.codes { diff.append("reason codes \(v.reasons.map(\.code)) != \(e.codes)") }
            if v.signature != e.signature { diff.append("signature differs") }
            let json = try engine.explainJSON(for: SmsMessage(sender: e.sender, body: e.body, receivedAt: nil))
            if json != e.explainJSON { diff.append("explain JSON differs") }
            if !diff.isEmpty { mismatched.append("\(e.id): " + diff.joined(separator: "; ")) }
        }
        XCTAssertEqual(mismatched, [], "vectors where Swift and Rust disagree")
    }

    func testDecisionFolderIsRustsAction() throws {
        let expected = try Expected.load()
        let engine = try FilterEngine(EngineOptions(statePath: nil, model: true))
        for e in expected {
            let d = engine.decision(for: SmsMessage(sender: e.sender, body: e.body, receivedAt: nil))
            // The decision is the verdict's mapping; the folder never contradicts core's action.
            switch e.action {
            case "none": XCTAssertEqual(d.action, .none, e.id)
            case "allow": XCTAssertEqual(d.action, .allow, e.id)
            case "junk": XCTAssertEqual(d.action, .junk, e.id)
            case "promotion", "transaction":
                // Every subcategory core produced has a row in the table, under this action.
                let v = engine.verdict(for: SmsMessage(sender: e.sender, body: e.body, receivedAt: nil))
                let sub = try XCTUnwrap(v.subcategory, "\(e.id): \(e.action) without a subcategory")
                let row = FilterDecisionTable.expected(sub)
                let want = e.action == "promotion" ? row.promotion : row.transaction
                XCTAssertNotNil(want, "\(e.id): \(e.action)/\(sub.code) is not in the table")
                XCTAssertEqual(d, FilterDecision(action: e.action == "promotion" ? .promotion : .transaction,
                                                 subAction: want ?? .none), e.id)
            default: XCTFail("\(e.id): unknown action in expected.tsv")
            }
        }
    }
}
