// The Message Filter extension: offline (no network action, no ILMessageFilterExtensionNetworkURL),
// reads the shared state and never writes it. NOT COMPILED on the Linux test machine
// (IdentityLookup): see ios/README.md. The decision is SmsGuardKit's FilterDecision (tested).
import IdentityLookup
import SmsGuardKit

final class MessageFilterExtension: ILMessageFilterExtension {
    /// Opened once per extension process: embedded rules + model + the user's state, read-only.
    /// Falls back to the embedded defaults when the state cannot be read; nil only if even
    /// those fail (then every message is left to the system).
    static let engine: FilterEngine? = try? FilterEngine.forExtension(statePath: SharedState.stateURL()?.path)
}

extension MessageFilterExtension: ILMessageFilterQueryHandling, ILMessageFilterCapabilitiesQueryHandling {
    func handle(
        _ queryRequest: ILMessageFilterQueryRequest, context: ILMessageFilterExtensionContext,
        completion: @escaping (ILMessageFilterQueryResponse) -> Void
    ) {
        let decision = Self.engine?.decision(for: SmsMessage(queryRequest))
            ?? FilterDecision(action: .none, subAction: .none)
        completion(decision.queryResponse)
    }

    func handle(
        _ capabilitiesQueryRequest: ILMessageFilterCapabilitiesQueryRequest,
        context: ILMessageFilterExtensionContext,
        completion: @escaping (ILMessageFilterCapabilitiesQueryResponse) -> Void
    ) {
        completion(FilterCapabilities.queryResponse)
    }
}
