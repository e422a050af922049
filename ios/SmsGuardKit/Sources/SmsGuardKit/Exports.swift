// The generated records and enums (SmsMessage, Verdict, Reason, Action, Category, UserRule, …)
// are value types and Sendable: SmsGuardKit's users get them with `import SmsGuardKit` alone.
@_exported import SmsGuardFFI
