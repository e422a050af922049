// The only file that touches IdentityLookup. Everything it converts is decided and tested in
// the platform-free files (FilterDecision, ReportComposer); this is raw values and field copies.
// NOT COMPILED on the Linux test machine (no IdentityLookup there): see ios/README.md.
#if canImport(IdentityLookup)
import Foundation
import IdentityLookup
import SmsGuardFFI

extension SmsMessage {
    /// A Message Filter query: iOS gives the sender and the body (unknown senders only).
    public init(_ request: ILMessageFilterQueryRequest) {
        self.init(sender: request.sender ?? "", body: request.messageBody ?? "", receivedAt: nil)
    }

    /// A message the user reports from Messages (the Report extension).
    public init(_ communication: ILMessageCommunication) {
        self.init(
            sender: communication.sender ?? "", body: communication.messageBody ?? "",
            receivedAt: String(Int64(communication.dateReceived.timeIntervalSince1970)))
    }
}

extension FilterDecision {
    /// The answer to an `ILMessageFilterQueryRequest`.
    public var queryResponse: ILMessageFilterQueryResponse {
        let response = ILMessageFilterQueryResponse()
        response.action = ILMessageFilterAction(rawValue: action.rawValue) ?? .none
        response.subAction = ILMessageFilterSubAction(rawValue: subAction.rawValue) ?? .none
        return response
    }
}

extension FilterCapabilities {
    /// The answer to an `ILMessageFilterCapabilitiesQueryRequest`.
    public static var queryResponse: ILMessageFilterCapabilitiesQueryResponse {
        let response = ILMessageFilterCapabilitiesQueryResponse()
        response.transactionalSubActions =
            transactionalSubActions.compactMap { ILMessageFilterSubAction(rawValue: $0.rawValue) }
        response.promotionalSubActions =
            promotionalSubActions.compactMap { ILMessageFilterSubAction(rawValue: $0.rawValue) }
        return response
    }
}

extension ReportDecision {
    /// The Report extension's response: report as junk with the `号码*内容` SMS as `userString`
    /// (the system sends it to the Info.plist's 12321), or no report at all.
    public var classificationResponse: ILClassificationResponse {
        switch self {
        case let .send(sms):
            let response = ILClassificationResponse(action: .reportJunk)
            response.userString = sms.body
            return response
        case .refused, .noChannel:
            return ILClassificationResponse(action: .none)
        }
    }
}
#endif
