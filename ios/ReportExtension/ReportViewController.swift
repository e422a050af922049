// The SMS/Call Reporting extension: Info.plist's ILClassificationExtensionSMSReportDestination
// (12321) makes the system show the `号码*内容` SMS for the user to send. NOT COMPILED on the
// Linux test machine (IdentityLookupUI, UIKit): see ios/README.md. What is reported, and the
// text, are SmsGuardKit's ReportComposer (tested).
import IdentityLookup
import IdentityLookupUI
import SmsGuardKit
import UIKit

final class ReportViewController: ILClassificationUIExtensionViewController {
    private var decision: ReportDecision = .noChannel
    private let label = UILabel()
    private let copyButton = UIButton(type: .system)

    override func viewDidLoad() {
        super.viewDidLoad()
        label.numberOfLines = 0
        copyButton.setTitle(NSLocalizedString("report.copy", comment: ""), for: .normal)
        copyButton.addTarget(self, action: #selector(copyReport), for: .touchUpInside)
        let stack = UIStackView(arrangedSubviews: [label, copyButton])
        stack.axis = .vertical
        stack.spacing = 12
        stack.translatesAutoresizingMaskIntoConstraints = false
        view.addSubview(stack)
        NSLayoutConstraint.activate([
            stack.leadingAnchor.constraint(equalTo: view.layoutMarginsGuide.leadingAnchor),
            stack.trailingAnchor.constraint(equalTo: view.layoutMarginsGuide.trailingAnchor),
            stack.topAnchor.constraint(equalTo: view.layoutMarginsGuide.topAnchor),
        ])
    }

    override func prepare(for classificationRequest: ILClassificationRequest) {
        guard let request = classificationRequest as? ILMessageClassificationRequest,
              let message = request.messageCommunications.last,
              let engine = try? FilterEngine.forExtension(statePath: SharedState.stateURL()?.path)
        else {
            show(.noChannel)
            return
        }
        show(engine.report(for: SmsMessage(message)))
    }

    private func show(_ decision: ReportDecision) {
        self.decision = decision
        switch decision {
        case let .send(sms):
            let warnings = sms.warnings.map { $0.text() }.joined(separator: "\n")
            label.text = NSLocalizedString("report.send", comment: "") + "\n\n" + sms.body
                + (warnings.isEmpty ? "" : "\n\n" + warnings)
            copyButton.isHidden = sms.copyText == nil
            extensionContext.isReadyForClassificationResponse = true
        case let .refused(reason):
            label.text = NSLocalizedString("report.refused", comment: "") + (reason.map { "\n\n" + $0.text() } ?? "")
            copyButton.isHidden = true
            extensionContext.isReadyForClassificationResponse = false
        case .noChannel:
            label.text = NSLocalizedString("report.unavailable", comment: "")
            copyButton.isHidden = true
            extensionContext.isReadyForClassificationResponse = false
        }
    }

    @objc private func copyReport() {
        if case let .send(sms) = decision, let text = sms.copyText { UIPasteboard.general.string = text }
    }

    override func classificationResponse(for request: ILClassificationRequest) -> ILClassificationResponse {
        decision.classificationResponse
    }
}
