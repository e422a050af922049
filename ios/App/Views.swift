// NOT COMPILED on the Linux test machine (SwiftUI): see ios/README.md.
import SmsGuardKit
import SwiftUI

/// Both switches the user must turn on: the filter and the reporting extension.
struct OnboardingView: View {
    var body: some View {
        List {
            Section("onboarding.filter.title") {
                Text("onboarding.filter.steps")
            }
            Section("onboarding.report.title") {
                Text("onboarding.report.steps")
            }
            Section { Text("onboarding.privacy") }
            Button("onboarding.open_settings") {
                if let url = URL(string: UIApplication.openSettingsURLString) { UIApplication.shared.open(url) }
            }
        }
    }
}

extension FilterDecision {
    /// The folder as the Messages app names it.
    var folderKey: LocalizedStringKey {
        switch action {
        case .none, .allow: return "folder.inbox"
        case .junk: return "folder.junk"
        case .promotion: return "folder.promotion"
        case .transaction: return "folder.transaction"
        }
    }
}

struct TestMessageView: View {
    let editor: StateEditor
    @State private var sender = ""
    @State private var body_ = ""
    @State private var verdict: Verdict?

    var body: some View {
        Form {
            TextField("test.sender", text: $sender).keyboardType(.phonePad)
            TextField("test.body", text: $body_, axis: .vertical).lineLimit(3...8)
            Button("test.run") { verdict = editor.verdict(for: SmsMessage(sender: sender, body: body_, receivedAt: nil)) }
            if let v = verdict {
                Section("test.folder") {
                    Text(FilterDecision(v).folderKey)
                    Text(v.category.code).font(.caption.monospaced())
                }
                Section("test.reasons") {
                    ForEach(v.reasons, id: \.code) { Text($0.text()) }
                }
            }
        }
    }
}

struct ConsentView: View {
    let editor: StateEditor
    @State private var entries: [ConsentEntry] = []
    @State private var signature = ""
    @State private var error: String?

    var body: some View {
        List {
            Section("consent.add") {
                TextField("consent.signature", text: $signature)
                if let error { Text(error).foregroundStyle(.red).font(.footnote) }
                HStack {
                    Button("consent.grant") { change { try editor.grantConsent(signature: signature) } }
                    Button("consent.revoke", role: .destructive) { change { try editor.revokeConsent(signature: signature) } }
                }
            }
            Section("consent.list") {
                ForEach(entries, id: \.self) { e in
                    HStack {
                        Text(e.signature ?? e.port ?? "")
                        Spacer()
                        Text(e.state == .granted ? "consent.granted" : "consent.revoked")
                    }
                }
            }
        }
        .onAppear { entries = editor.consents }
    }

    private func change(_ body: () throws -> Void) {
        do {
            try body()
            error = nil
            signature = ""
        } catch let e as GuardError {
            if case let .invalidData(_, _, _, detail) = e { error = detail } else { error = e.description }
        } catch {}
        entries = editor.consents
    }
}

struct RulesView: View {
    let editor: StateEditor
    @State private var rules: [UserRule] = []
    @State private var kind: UserRuleKind = .keyword
    @State private var effect: UserRuleEffect = .block
    @State private var value = ""
    @State private var error: String?

    var body: some View {
        List {
            Section("rules.add") {
                Picker("rules.kind", selection: $kind) {
                    Text("rules.kind.keyword").tag(UserRuleKind.keyword)
                    Text("rules.kind.signature").tag(UserRuleKind.signature)
                    Text("rules.kind.sender").tag(UserRuleKind.sender)
                    Text("rules.kind.regex").tag(UserRuleKind.regex)
                }
                Picker("rules.effect", selection: $effect) {
                    Text("rules.effect.block").tag(UserRuleEffect.block)
                    Text("rules.effect.allow").tag(UserRuleEffect.allow)
                }
                TextField("rules.value", text: $value)
                // The validation error in place, as core words it.
                if let error { Text(error).foregroundStyle(.red).font(.footnote) }
                Button("rules.save") {
                    do {
                        try editor.addRule(effect, kind, value)
                        value = ""
                        error = nil
                    } catch let GuardError.invalidData(_, _, _, detail) {
                        error = detail
                    } catch {
                        self.error = "\(error)"
                    }
                    rules = editor.rules
                }
            }
            Section("rules.list") {
                ForEach(rules, id: \.id) { r in Text(r.value) }
                    .onDelete { idx in
                        for i in idx { _ = try? editor.removeRule(id: rules[i].id) }
                        rules = editor.rules
                    }
            }
        }
        .onAppear { rules = editor.rules }
    }
}

struct FeedbackView: View {
    let editor: StateEditor
    @State private var entries: [FeedbackEntry] = []

    var body: some View {
        List {
            ForEach(entries, id: \.id) { e in
                VStack(alignment: .leading) {
                    Text(e.kind == .isJunk ? "feedback.is_junk" : "feedback.not_junk")
                    Text(e.signature ?? e.sender ?? "").font(.caption)
                }
            }
            .onDelete { idx in
                for i in idx { _ = try? editor.undoFeedback(id: entries[i].id) }
                entries = editor.feedbackHistory
            }
        }
        .onAppear { entries = editor.feedbackHistory }
    }
}
