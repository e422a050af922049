import SmsGuardFFI

/// Every error SmsGuardKit throws. Each case says what the caller can do; none carries message
/// text or phone numbers (core's errors never do, and a panic's text never crosses the boundary).
public enum GuardError: Error, Equatable, Sendable {
    /// Supplied data (a rule value, consent key, feedback id, rule pack, model update) was refused:
    /// show `detail` where the user typed the value. `origin` names what was refused
    /// (`user rules`, `consent`, `feedback`, `report`, a file name).
    case invalidData(origin: String, line: UInt32?, item: String?, detail: String)
    /// A file could not be read or written (or another writer held the state lock too long).
    case io(path: String, detail: String)
    /// The state file is damaged or from a newer smsguard; it was left untouched.
    /// `StateEditor.setAside(statePath:)` moves it away after the user agrees.
    case stateUnreadable(path: String, detail: String)
    /// A bug in smsguard (a caught panic among them): report it.
    case `internal`(detail: String)

    init(_ e: SmsGuardError) {
        switch e {
        case let .InvalidData(origin, line, item, detail):
            self = .invalidData(origin: origin, line: line, item: item, detail: detail)
        case let .Io(path, detail):
            self = .io(path: path, detail: detail)
        case let .StateUnreadable(path, detail):
            self = .stateUnreadable(path: path, detail: detail)
        case let .Internal(detail):
            self = .internal(detail: detail)
        }
    }

    /// Runs one call into the library and turns its error into a `GuardError`. Every throwing
    /// method of SmsGuardKit goes through here; an error the bindings raise outside
    /// `SmsGuardError` (uniffi's own, e.g. a panic uniffi caught) becomes `.internal` without its
    /// text, which could quote a message.
    public static func call<T>(_ body: () throws -> T) throws(GuardError) -> T {
        do {
            return try body()
        } catch let e as SmsGuardError {
            throw GuardError(e)
        } catch {
            throw .internal(detail: "unexpected error from the smsguard library (details withheld)")
        }
    }
}

extension GuardError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .invalidData(origin, line, item, detail):
            var at = origin
            if let line { at += " line \(line)" }
            if let item { at += " (\(item))" }
            return "\(at): \(detail)"
        case let .io(path, detail): return "\(path): \(detail)"
        case let .stateUnreadable(path, detail): return "\(path): unreadable state file (\(detail)); left untouched"
        case let .internal(detail): return "internal error: \(detail)"
        }
    }
}
