// The app: onboarding, consent per signature, personal rules, feedback history and "test a
// message". NOT COMPILED on the Linux test machine (SwiftUI): see ios/README.md. Every decision
// is SmsGuardKit's (tested by `swift test`); this file only shows it.
import SmsGuardKit
import SwiftUI

@main
struct SmsGuardApp: App {
    @StateObject private var model = AppModel()

    var body: some Scene {
        WindowGroup {
            if let editor = model.editor {
                MainView(editor: editor)
            } else {
                StateProblemView(model: model)
            }
        }
    }
}

/// Opens the user's state in the App Group container; the app is its only writer.
@MainActor
final class AppModel: ObservableObject {
    @Published private(set) var editor: StateEditor?
    @Published private(set) var problem: GuardError?
    let stateURL: URL?

    init() {
        stateURL = SharedState.stateURL()
        open()
    }

    func open() {
        guard let url = stateURL else {
            problem = .io(path: SharedState.appGroup, detail: "App Group container unavailable")
            return
        }
        do {
            try SharedState.prepareDirectory(for: url)
            editor = try StateEditor(statePath: url.path)
            problem = nil
        } catch let e as GuardError {
            problem = e
        } catch {
            problem = .io(path: url.path, detail: "cannot create the state directory")
        }
    }

    /// After the user agreed: move the damaged file aside and start from an empty state.
    func startOver() {
        guard let url = stateURL else { return }
        _ = try? StateEditor.setAside(statePath: url.path)
        open()
    }
}

struct StateProblemView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        VStack(spacing: 16) {
            Text("state.problem.title").font(.headline)
            if let problem = model.problem { Text(problem.description).font(.footnote) }
            if case .stateUnreadable = model.problem {
                Button("state.problem.start_over", role: .destructive) { model.startOver() }
            }
        }
        .padding()
    }
}

struct MainView: View {
    let editor: StateEditor

    var body: some View {
        TabView {
            OnboardingView().tabItem { Label("tab.setup", systemImage: "gearshape") }
            TestMessageView(editor: editor).tabItem { Label("tab.test", systemImage: "text.magnifyingglass") }
            ConsentView(editor: editor).tabItem { Label("tab.consent", systemImage: "checkmark.seal") }
            RulesView(editor: editor).tabItem { Label("tab.rules", systemImage: "list.bullet") }
            FeedbackView(editor: editor).tabItem { Label("tab.feedback", systemImage: "clock.arrow.circlepath") }
        }
    }
}
