import Foundation
import SmsGuardKit
import XCTest

/// The shared vectors testdata/contacts.jsonl through the Swift API: the `knownContact` field of
/// `SmsMessage` (default false). iOS itself never sets it (the Message Filter extension sees only
/// unknown senders), but the library is the same one the Android app uses.
final class ContactVectorTests: XCTestCase {
    private func rows(_ name: String) throws -> [[String: Any]] {
        // Tests/SmsGuardKitTests/<file> -> the repository root (ios/test.sh binds it at the same path)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("testdata/\(name)"), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testKnownContactVectors() throws {
        let engine = try FilterEngine(EngineOptions(statePath: nil, model: true))
        let vectors = try rows("contacts.jsonl")
        XCTAssertGreaterThanOrEqual(vectors.count, 6)
        for v in vectors {
            let id = v["id"] as? String ?? "?"
            let m = SmsMessage(sender: v["sender"] as? String ?? "", body: v["body"] as? String ?? "", receivedAt: nil,
                               knownContact: v["known_contact"] as? Bool ?? false)
            let got = engine.verdict(for: m)
            XCTAssertEqual(got.action.code, v["expect_action"] as? String, id)
            XCTAssertEqual(got.category.code, v["expect_category"] as? String, id)
            if let want = v["expect_reason"] as? String, !want.isEmpty {
                XCTAssertEqual(got.reasons.first?.code, want, id)
            }
        }
    }
}
