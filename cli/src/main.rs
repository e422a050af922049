//! The `smsguard` command.

fn main() {
    let engine = smsguard_core::Engine::new();
    let v = engine.classify(&smsguard_core::SmsMessage::new("10086", "hello"));
    println!("{}", v.action);
}
