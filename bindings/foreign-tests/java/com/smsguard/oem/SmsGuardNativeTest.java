// JNI harness for com.smsguard.oem.SmsGuardNative on the host JVM (no JNA, no JUnit, as on an
// OEM image): results must agree exactly with the Rust engine (expected.tsv from
// examples/expected.rs). Prints `jni: N passed, N failed` and exits non-zero on failure.
// In the class's package to reach the package-private native methods (forged handles, panics).
package com.smsguard.oem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public final class SmsGuardNativeTest {
    interface Body {
        void run() throws Exception;
    }

    static int passed = 0;
    static int failed = 0;

    static void test(String name, Body body) {
        try {
            body.run();
            passed++;
            System.out.println("ok   " + name);
        } catch (Throwable t) {
            failed++;
            System.out.println("FAIL " + name + ": " + t);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    static void checkEq(Object want, Object got, String what) {
        if (want == null ? got != null : !want.equals(got)) {
            throw new AssertionError(what + ": want <" + want + "> got <" + got + ">");
        }
    }

    /** A state file path in a fresh temp directory (the file does not exist yet). */
    static String tempState() throws Exception {
        return Files.createTempDirectory("smsguard-jni").resolve("state.json").toString();
    }

    static <E extends Throwable> E expectThrows(Class<E> type, Body body) throws Exception {
        try {
            body.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError("want " + type.getSimpleName() + ", got " + t);
        }
        throw new AssertionError("want " + type.getSimpleName() + ", nothing thrown");
    }

    /** A line of expected.tsv (see examples/expected.rs). */
    static final class Row {
        String id, sender, body, action, category, subcategory, senderKind, consent, signature, explainJson;
        int scoreBits;
        List<String> codes;
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static List<Row> readExpected(String path) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            check(f.length == 12, "expected.tsv has " + f.length + " fields");
            Row r = new Row();
            r.id = unescape(f[0]);
            r.sender = unescape(f[1]);
            r.body = unescape(f[2]);
            r.action = f[3];
            r.category = f[4];
            r.scoreBits = Integer.parseUnsignedInt(f[5], 16);
            r.senderKind = f[6];
            r.consent = f[7].isEmpty() ? null : f[7];
            r.codes = f[8].isEmpty() ? Collections.emptyList() : Arrays.asList(f[8].split(",", -1));
            r.signature = f[9].isEmpty() ? null : unescape(f[9]);
            r.explainJson = unescape(f[10]);
            r.subcategory = f[11].isEmpty() ? null : f[11];
            rows.add(r);
        }
        return rows;
    }

    static void checkRow(Row r, SmsGuardNative.Result v) {
        String at = "vector " + r.id + " ";
        checkEq(r.action, v.action, at + "action");
        checkEq(r.category, v.category, at + "category");
        checkEq(r.subcategory, v.subcategory, at + "subcategory");
        checkEq(r.scoreBits, Float.floatToRawIntBits(v.score), at + "score");
        checkEq(r.senderKind, v.senderKind, at + "sender kind");
        checkEq(r.consent, v.consent, at + "consent");
        checkEq(r.codes, v.reasonCodes, at + "reason codes");
        checkEq(r.signature, v.signature, at + "signature");
    }

    /** A string field of a flat vector line (the vectors' values hold no escaped quotes). */
    static String field(String line, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*(\"([^\"]*)\"|true|false)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + key);
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * testdata/contacts.jsonl and report_carriers.jsonl through the JSON session the app uses:
     * the `known_contact` message field, `sim_operator` in report_plan and the `carrier` op.
     */
    static void contactAndCarrierVectors() throws Exception {
        String dir = System.getProperty("smsguard.testdata") + "/";
        List<String> contacts = Files.readAllLines(Paths.get(dir + "contacts.jsonl"), StandardCharsets.UTF_8);
        List<String> carriers = Files.readAllLines(Paths.get(dir + "report_carriers.jsonl"), StandardCharsets.UTF_8);
        SmsGuardNative s = SmsGuardNative.openSession(null, null);
        try {
            test("json: known_contact vectors", () -> {
                int n = 0;
                for (String line : contacts) {
                    if (line.trim().isEmpty()) {
                        continue;
                    }
                    String msg = "{\"sender\":" + quote(field(line, "sender")) + ",\"body\":" + quote(field(line, "body"))
                            + ",\"known_contact\":" + field(line, "known_contact") + "}";
                    String out = s.call("{\"v\":1,\"op\":\"classify\",\"message\":" + msg + "}");
                    String id = field(line, "id");
                    checkEq(field(line, "expect_action"), field(out, "action"), id + " action");
                    checkEq(field(line, "expect_category"), field(out, "category"), id + " category");
                    String reason = field(line, "expect_reason");
                    if (!reason.isEmpty()) {
                        checkEq(reason, field(out, "code"), id + " first reason");
                    }
                    n++;
                }
                check(n >= 6, "only " + n + " contact vectors");
            });
            test("json: sim_operator puts the carrier's number first", () -> {
                int n = 0;
                for (String line : carriers) {
                    if (line.trim().isEmpty()) {
                        continue;
                    }
                    String id = field(line, "id");
                    String c = s.call("{\"v\":1,\"op\":\"carrier\",\"sim_operator\":" + quote(field(line, "sim_operator")) + "}");
                    checkEq(field(line, "expect_carrier"), field(c, "carrier"), id + " carrier");
                    String plan = s.call("{\"v\":1,\"op\":\"report_plan\",\"sim_operator\":" + quote(field(line, "sim_operator"))
                            + ",\"message\":{\"sender\":" + quote(field(line, "sender")) + ",\"body\":" + quote(field(line, "body")) + "}}");
                    String drafts = plan.substring(plan.indexOf("\"drafts\""));
                    checkEq(field(line, "expect_first_channel"), field(drafts, "channel"), id + " first channel");
                    checkEq(field(line, "expect_first_verified"), field(drafts, "verified"), id + " verified");
                    n++;
                }
                check(n >= 8, "only " + n + " carrier vectors");
            });
        } finally {
            s.close();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Row> rows = readExpected(System.getProperty("smsguard.expected"));
        SmsGuardNative guard = SmsGuardNative.open();

        test("there are vectors", () -> check(rows.size() >= 5, "only " + rows.size()));

        test("classify agrees with Rust", () -> {
            for (Row r : rows) {
                checkRow(r, guard.classify(r.sender, r.body));
            }
        });

        test("explainJson agrees with Rust", () -> {
            for (Row r : rows) {
                checkEq(r.explainJson, guard.explainJson(r.sender, r.body), "vector " + r.id);
            }
        });

        test("null sender and body read as empty", () -> {
            SmsGuardNative.Result a = guard.classify(null, null);
            SmsGuardNative.Result b = guard.classify("", "");
            checkEq(b.action, a.action, "action");
            checkEq(b.reasonCodes, a.reasonCodes, "codes");
            checkEq("none", a.action, "empty body action");
        });

        test("odd input: lone surrogates, control characters, a long body", () -> {
            String[] odd = {"\ud800 lone surrogate \udfff", "\u0000\u0001\u001f\u001e", "验证码".repeat(30000)};
            for (String body : odd) {
                SmsGuardNative.Result r = guard.classify("", body);
                check(r.action.matches("none|allow|transaction|promotion|junk"), "action " + r.action);
                check(guard.explainJson("", body).startsWith("{"), "explain");
            }
        });

        test("a panic becomes SmsGuardException(INTERNAL) and the library keeps working", () -> {
            Row r = rows.get(0);
            SmsGuardException e = expectThrows(SmsGuardException.class,
                    () -> SmsGuardNative.nativeDebugPanic("from java"));
            checkEq(SmsGuardException.Kind.INTERNAL, e.getKind(), "kind");
            // The panic's text may quote an SMS: it never crosses the boundary.
            check(!e.getMessage().contains("from java"), "panic text crossed: " + e.getMessage());
            checkRow(r, guard.classify(r.sender, r.body));
        });

        test("a closed handle throws CLOSED, close is idempotent", () -> {
            SmsGuardNative g = SmsGuardNative.open();
            g.close();
            g.close();
            SmsGuardException e = expectThrows(SmsGuardException.class, () -> g.classify("1", "x"));
            checkEq(SmsGuardException.Kind.CLOSED, e.getKind(), "kind");
            // A forged handle is refused the same way, not dereferenced.
            e = expectThrows(SmsGuardException.class, () -> SmsGuardNative.nativeClassify(123456789L, "1", "x"));
            checkEq(SmsGuardException.Kind.CLOSED, e.getKind(), "forged handle kind");
        });

        test("mismatched rule-pack arrays are a BAD_ARGUMENT", () -> {
            SmsGuardException e = expectThrows(SmsGuardException.class,
                    () -> SmsGuardNative.open(new String[] {"a.rules", "b.rules"}, new String[] {""}));
            checkEq(SmsGuardException.Kind.BAD_ARGUMENT, e.getKind(), "kind");
        });

        test("rule packs given as text open", () -> {
            try (SmsGuardNative g = SmsGuardNative.open(new String[0], new String[0])) {
                Row r = rows.get(0);
                checkRow(r, g.classify(r.sender, r.body));
            }
        });

        test("the embedded model is on by default", () -> {
            String sender = "10690000999", body = "【某书店】周末全场新书八折，回T退订";
            try (SmsGuardNative g = SmsGuardNative.open()) {
                check(g.explainJson(sender, body).contains("\"model_name\":\"embbag"), "model by default");
            }
            try (SmsGuardNative g = SmsGuardNative.open(null, null, false)) {
                check(!g.explainJson(sender, body).contains("\"model_name\":\"embbag"), "rules only when asked");
            }
            try (SmsGuardNative g = SmsGuardNative.openWithState(tempState(), true)) {
                check(g.explainJson(sender, body).contains("\"model_name\":\"embbag"), "model with state");
            }
        });

        test("a model update is checked: refused ones leave the model in use", () -> {
            String dir = System.getProperty("smsguard.testdata") + "/model/";
            byte[] archive = Files.readAllBytes(Paths.get(dir + "tiny.nnef.tar"));
            String manifest = new String(Files.readAllBytes(Paths.get(dir + "tiny.manifest.json")),
                    StandardCharsets.UTF_8);
            try (SmsGuardNative g = SmsGuardNative.open(null, null, true)) {
                String embedded = g.modelName();
                check(embedded != null && embedded.startsWith("embbag"), "embedded model: " + embedded);
                byte[] corrupt = archive.clone();
                corrupt[corrupt.length / 2] ^= 1;
                SmsGuardException e = expectThrows(SmsGuardException.class, () -> g.loadModel(corrupt, manifest));
                checkEq(SmsGuardException.Kind.INVALID_DATA, e.getKind(), "kind");
                check(e.getMessage().contains("sha256"), e.getMessage());
                checkEq(embedded, g.modelName(), "still the embedded model");
                e = expectThrows(SmsGuardException.class, () -> g.loadModel(null, manifest));
                checkEq(SmsGuardException.Kind.BAD_ARGUMENT, e.getKind(), "null bytes");
                String name = g.loadModel(archive, manifest);
                checkEq(name, g.modelName(), "the update is in use");
                check(!name.equals(embedded), "a different model");
                check(g.explainJson("10690000999", "【某书店】周末全场新书八折，回T退订")
                        .contains("\"model_name\":\"" + name + "\""), "explanations use the update");
            }
            try (SmsGuardNative g = SmsGuardNative.open(null, null, false)) {
                checkEq(null, g.modelName(), "rules only");
            }
        });

        test("concurrent calls agree", () -> {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Boolean>> jobs = new ArrayList<>();
                for (int j = 0; j < 8; j++) {
                    jobs.add(() -> {
                        for (int k = 0; k < 20; k++) {
                            for (Row r : rows) {
                                checkRow(r, guard.classify(r.sender, r.body));
                            }
                        }
                        return true;
                    });
                }
                for (Future<Boolean> f : pool.invokeAll(jobs)) {
                    check(f.get(), "job");
                }
            } finally {
                pool.shutdown();
            }
        });

        test("version", () -> {
            String[] v = SmsGuardNative.version();
            checkEq(2, v.length, "fields");
            check(!v[0].isEmpty() && Integer.parseInt(v[1]) >= 1, Arrays.toString(v));
        });

        // --- user state (temp state files; every message is invented) ---
        String promoSender = "1069012345678";
        String promo = "【潮汐优选】双十二会员日，全场满199减60，回T退订";
        String bankSender = "95566";
        String bank = "【北辰银行】您尾号8831的卡于12月01日支出238.50元，余额1024.00元。";

        test("consent grant/revoke change classify and persist in the state file", () -> {
            String path = tempState();
            try (SmsGuardNative g = SmsGuardNative.openWithState(path)) {
                checkEq("promotion", g.classify(promoSender, promo).action, "before");
                g.consentRevoke("潮汐优选", null);
                SmsGuardNative.Result r = g.classify(promoSender, promo);
                checkEq("junk", r.action, "revoked action");
                checkEq("revoked", r.consent, "revoked consent");
                g.consentGrant("潮汐优选", null);
                checkEq("granted", g.classify(promoSender, promo).consent, "granted");
            }
            try (SmsGuardNative g = SmsGuardNative.openWithState(path)) {
                checkEq("granted", g.classify(promoSender, promo).consent, "after reopening");
            }
        });

        test("revoked marketing: reportJson has a 10086999 draft `sender*text`; reportSent dedupes", () -> {
            try (SmsGuardNative g = SmsGuardNative.openWithState(tempState())) {
                g.consentRevoke("潮汐优选", null);
                String json = g.reportJson(promoSender, promo, "2026-12-01T09:30:00+08:00");
                check(json.contains("\"reportable\":true"), json);
                check(json.contains("\"destination\":\"10086999\",\"body\":\"" + promoSender + "*" + promo + "\""), json);
                check(json.contains("\"received_at\":\"2026-12-01T09:30:00+08:00\""), json);
                check(g.reportSent(promoSender, promo, null, "china_mobile"), "first record");
                check(!g.reportSent(promoSender, promo, null, "china_mobile"), "second record of the same channel");
                String again = g.reportJson(promoSender, promo, null);
                check(again.contains("\"reportable\":false") && again.contains("report_already_sent"), again);
            }
        });

        test("a transaction is never reportable", () -> {
            try (SmsGuardNative g = SmsGuardNative.openWithState(tempState())) {
                checkEq("transaction", g.classify(bankSender, bank).action, "bank action");
                String json = g.reportJson(bankSender, bank, null);
                check(json.contains("\"reportable\":false") && json.contains("\"drafts\":[]"), json);
                SmsGuardException e = expectThrows(SmsGuardException.class,
                        () -> g.reportSent(bankSender, bank, null, "china_mobile"));
                checkEq(SmsGuardException.Kind.INVALID_DATA, e.getKind(), "kind");
            }
        });

        test("strict mode sends unconsented marketing to junk", () -> {
            try (SmsGuardNative g = SmsGuardNative.openWithState(tempState())) {
                g.setStrict(true);
                checkEq("junk", g.classify(promoSender, promo).action, "strict");
                g.setStrict(false);
                checkEq("promotion", g.classify(promoSender, promo).action, "not strict");
            }
        });

        test("a consent without signature or port is INVALID_DATA", () -> {
            try (SmsGuardNative g = SmsGuardNative.openWithState(tempState())) {
                SmsGuardException e = expectThrows(SmsGuardException.class, () -> g.consentGrant(null, ""));
                checkEq(SmsGuardException.Kind.INVALID_DATA, e.getKind(), "kind");
            }
        });

        test("a corrupt state file throws STATE_UNREADABLE and is left untouched", () -> {
            String path = tempState();
            String text = "{\"format\": \"smsguard-state\", \"version\": 1, \"gen";
            Files.write(Paths.get(path), text.getBytes(StandardCharsets.UTF_8));
            SmsGuardException e = expectThrows(SmsGuardException.class, () -> SmsGuardNative.openWithState(path));
            checkEq(SmsGuardException.Kind.STATE_UNREADABLE, e.getKind(), "kind");
            checkEq(text, new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.UTF_8), "file");
            e = expectThrows(SmsGuardException.class, () -> SmsGuardNative.openWithState(null));
            checkEq(SmsGuardException.Kind.BAD_ARGUMENT, e.getKind(), "null path");
        });

        test("a broken rule pack is INVALID_DATA naming the pack and line", () -> {
            String pack = "format = smsguard-rules/1\npack = test\nversion = 1\n\n[test.loan]\nany = 贷款\n"
                    + "effect = explode everything\nreason = test_loan\nzh = 贷款\nen = Loan\n";
            SmsGuardException e = expectThrows(SmsGuardException.class,
                    () -> SmsGuardNative.open(new String[] {"broken.rules"}, new String[] {pack}));
            checkEq(SmsGuardException.Kind.INVALID_DATA, e.getKind(), "kind");
            check(e.getMessage().startsWith("broken.rules line 7"), e.getMessage());
        });

        // Benchmark: median µs per classify call through JNI.
        double[] per = new double[7];
        int calls = 2000;
        for (int i = 0; i < calls * 2; i++) {
            Row r = rows.get(i % rows.size());
            guard.classify(r.sender, r.body);
        }
        for (int k = 0; k < per.length; k++) {
            long t = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                Row r = rows.get(i % rows.size());
                guard.classify(r.sender, r.body);
            }
            per[k] = (System.nanoTime() - t) / 1000.0 / calls;
        }
        Arrays.sort(per);
        System.out.printf("benchmark: classify via JNI %.1f µs/call%n", per[per.length / 2]);

        contactAndCarrierVectors();

        guard.close();
        System.out.println("jni: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }
}
