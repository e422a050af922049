// Heap and peak RSS of the Message Filter extension's configuration, through SmsGuardKit:
// the embedded rules + the embedded model + the user's state file, opened read-only as
// `FilterEngine`, then a stream of messages classified. Linux only (reads /proc and glibc's
// malloc counters); run by `ios/test.sh memory`.
//
//   smsguard-memprobe write STATE        give STATE a realistic user state (app side; its own process)
//   smsguard-memprobe measure STATE [--rules-only] [N]
#if os(Linux)
import Foundation
import CMallocStats
import Glibc
import SmsGuardKit

struct Sample {
    let heap: Int  // bytes malloc has handed out and not taken back (arena in use + mmapped)
    let rss: Int, hwm: Int, anon: Int  // bytes: resident now, peak resident, anonymous resident

    static func now() -> Sample {
        var kv: [String: Int] = [:]
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let num = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            kv[String(parts[0])] = num * 1024
        }
        return Sample(heap: Int(smsguard_heap_in_use()), rss: kv["VmRSS"] ?? 0, hwm: kv["VmHWM"] ?? 0,
                      anon: kv["RssAnon"] ?? 0)
    }
}

func mb(_ b: Int) -> String { String(format: "%.2f MB", Double(b) / 1_048_576) }

/// Invented messages of the kinds an extension sees (unknown senders), varied by a counter.
func message(_ i: Int) -> SmsMessage {
    let n = String(format: "%06d", (i * 7919) % 1_000_000)
    switch i % 5 {
    case 0: return SmsMessage(sender: "1069\(n)", body: "【云杉出行】您的登录验证码为 \(n)，5分钟内有效，请勿泄露。", receivedAt: nil)
    case 1: return SmsMessage(sender: "10690077", body: "【潮汐优选】年末清仓第\(i)波，全场满199减60，回T退订", receivedAt: nil)
    case 2: return SmsMessage(sender: "170\(n)12", body: "【北辰银行】您的账户存在异常，请点击 http://bc-verify.example/\(n) 重新认证。", receivedAt: nil)
    case 3: return SmsMessage(sender: "95566", body: "【北辰银行】您尾号\(n.prefix(4))的储蓄卡支出人民币\(i % 500).00元。", receivedAt: nil)
    default: return SmsMessage(sender: "138\(n)21", body: "晚上七点老地方见，记得带上第\(i)号文件。", receivedAt: nil)
    }
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: smsguard-memprobe write|measure STATE [--rules-only] [N]\n".utf8))
    exit(2)
}
let state = args[2]
do {
    switch args[1] {
    case "write":
        let editor = try StateEditor(statePath: state, model: true)
        for k in 0..<20 { try editor.grantConsent(signature: "示例商城\(k)") }
        for k in 0..<10 { try editor.revokeConsent(signature: "示例平台\(k)") }
        for k in 0..<30 { try editor.addRule(.block, .keyword, "示例词\(k)") }
        for k in 0..<10 { try editor.addRule(.allow, .sender, "9558\(k)") }
        for k in 0..<10 { try editor.feedback(.isJunk, on: message(k * 5 + 1)) }
        print("state written: 30 consents, 40 rules, 10 feedback entries")
    case "measure":
        let model = !args.contains("--rules-only")
        let count = args.dropFirst(3).compactMap { Int($0) }.first ?? 2000
        // Warm Foundation and the Swift runtime so the baseline holds what any Swift extension has.
        _ = message(0); _ = Sample.now()
        let base = Sample.now()
        let t0 = Date()
        let engine = try FilterEngine(EngineOptions(statePath: state, model: model))
        let openMs = Date().timeIntervalSince(t0) * 1000
        let opened = Sample.now()
        var folders: [FilterAction: Int] = [:]
        for i in 0..<count { folders[engine.decision(for: message(i)).action, default: 0] += 1 }
        let after = Sample.now()
        let name = engine.version.model ?? "none (rules only)"
        print("configuration: embedded rules + model \(name) + state file; \(count) messages classified")
        print(String(format: "open: %.1f ms", openMs))
        print("heap in use: before open \(mb(base.heap)), after open \(mb(opened.heap)) (engine +\(mb(opened.heap - base.heap))), after classifying \(mb(after.heap)) (+\(mb(after.heap - base.heap)))")
        print("RSS: before open \(mb(base.rss)) (anon \(mb(base.anon))), after open \(mb(opened.rss)) (anon \(mb(opened.anon))), after classifying \(mb(after.rss)) (anon \(mb(after.anon)))")
        print("peak RSS (VmHWM): \(mb(after.hwm)); growth over the baseline: \(mb(after.hwm - base.rss))")
        print("folders: " + FilterAction.allCases.map { "\($0)=\(folders[$0, default: 0])" }.joined(separator: " "))
    default:
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("memprobe: \(error)\n".utf8))
    exit(1)
}
#else
print("smsguard-memprobe reads Linux's /proc and glibc's malloc counters; it measures on Linux only")
#endif
