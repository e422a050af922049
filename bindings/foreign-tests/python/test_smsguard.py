"""The uniffi Python bindings: results must agree exactly with the Rust engine.

Run with PYTHONPATH=<bindings>/python (where scripts/gen-bindings.sh puts smsguard_ffi.py and
the library) and SMSGUARD_EXPECTED / SMSGUARD_VECTORS set (bindings/scripts/test-python.sh).
Prints `python-bindings: N passed, N failed`.
"""

import json
import os
import struct
import sys
import tempfile
import threading
import unittest

import smsguard_ffi as sg


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_expected():
    rows = {}
    with open(os.environ["SMSGUARD_EXPECTED"], encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line:
                continue
            fl = line.split("\t")
            assert len(fl) == 12, len(fl)
            rows[unescape(fl[0])] = {
                "sender": unescape(fl[1]),
                "body": unescape(fl[2]),
                "action": fl[3],
                "category": fl[4],
                "score_bits": int(fl[5], 16),
                "sender_kind": fl[6],
                "consent": fl[7] or None,
                "codes": fl[8].split(",") if fl[8] else [],
                "signature": unescape(fl[9]) or None,
                "explain_json": unescape(fl[10]),
                "subcategory": fl[11] or None,
            }
    return rows


def load_vectors():
    out = []
    for path in os.environ["SMSGUARD_VECTORS"].split(":"):
        with open(path, encoding="utf-8") as f:
            out += [json.loads(l) for l in f if l.strip()]
    return out


EXPECTED = load_expected()
VECTORS = load_vectors()


def wire(e):
    return e.name.lower()


def message(v):
    return sg.SmsMessage(sender=v.get("sender", ""), body=v["body"], received_at=None)


class BindingsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.guard = sg.SmsGuard()

    def assert_same_as_rust(self, vid, v):
        e = EXPECTED[vid]
        self.assertEqual(e["action"], wire(v.action), vid)
        self.assertEqual(e["category"], wire(v.category), vid)
        self.assertEqual(e["subcategory"], v.subcategory and wire(v.subcategory), vid)
        self.assertEqual(e["score_bits"], f32_bits(v.score), vid)
        self.assertEqual(e["sender_kind"], wire(v.sender_kind), vid)
        self.assertEqual(e["consent"], v.consent and wire(v.consent), vid)
        self.assertEqual(e["codes"], [r.code for r in v.reasons], vid)
        self.assertEqual(e["signature"], v.signature, vid)

    def test_vectors_have_rust_results(self):
        self.assertGreaterEqual(len(VECTORS), 5)
        for v in VECTORS:
            self.assertIn(v["id"], EXPECTED)
            self.assertEqual(v["body"], EXPECTED[v["id"]]["body"])

    def test_classify_agrees_with_rust(self):
        for v in VECTORS:
            self.assert_same_as_rust(v["id"], self.guard.classify(message(v)))

    def test_explain_json_agrees_with_rust(self):
        for v in VECTORS:
            got = self.guard.explain_json(message(v))
            self.assertEqual(EXPECTED[v["id"]]["explain_json"], got, v["id"])
            self.assertEqual(json.loads(got)["verdict"]["action"], EXPECTED[v["id"]]["action"])

    def test_batch_equals_one_by_one(self):
        msgs = [message(v) for v in VECTORS]
        self.assertEqual([self.guard.classify(m) for m in msgs], self.guard.classify_batch(msgs))

    def test_panic_becomes_internal_error(self):
        with self.assertRaises(sg.SmsGuardError.Internal) as cm:
            sg.debug_panic("from python")
        # The panic's text may quote an SMS: it never crosses the boundary.
        self.assertNotIn("from python", str(cm.exception))
        # Still usable afterwards.
        v = VECTORS[0]
        self.assert_same_as_rust(v["id"], self.guard.classify(message(v)))

    def test_threads_agree(self):
        msgs = [message(v) for v in VECTORS]
        want = [self.guard.classify(m) for m in msgs]
        bad = []

        def work():
            for _ in range(10):
                if [self.guard.classify(m) for m in msgs] != want:
                    bad.append(1)

        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual([], bad)

    def test_odd_input(self):
        for body in ["\ud800x", "\x00", "验证码" * 30000]:
            try:
                m = sg.SmsMessage(sender="", body=body, received_at=None)
                v = self.guard.classify(m)
            except UnicodeEncodeError:
                continue  # Python refuses lone surrogates before the call: also no crash.
            self.assertIn(wire(v.action), {"none", "allow", "transaction", "promotion", "junk"})

    def test_version(self):
        v = sg.library_version()
        self.assertTrue(v.library)
        self.assertGreaterEqual(v.normaliser, 1)

    def test_model_update_is_checked_and_a_refused_one_leaves_the_model_in_use(self):
        model_dir = os.path.join(os.path.dirname(__file__), "..", "..", "..", "testdata", "model")
        with open(os.path.join(model_dir, "tiny.nnef.tar"), "rb") as f:
            archive = f.read()
        with open(os.path.join(model_dir, "tiny.manifest.json"), encoding="utf-8") as f:
            manifest = f.read()
        g = sg.SmsGuard.with_config(sg.GuardConfig(rule_packs=[], institutions=None, embedded_model=True))
        embedded = g.version().model
        self.assertTrue(embedded.startswith("embbag"), embedded)
        corrupt = bytearray(archive)
        corrupt[len(corrupt) // 2] ^= 1
        with self.assertRaises(sg.SmsGuardError.InvalidData) as e:
            g.load_model(bytes(corrupt), manifest)
        self.assertIn("sha256", e.exception.detail)
        self.assertEqual(g.version().model, embedded)
        name = g.load_model(archive, manifest)
        self.assertEqual(g.version().model, name)
        self.assertNotEqual(name, embedded)


PROMO_SENDER = "1069012345678"
PROMO = "【潮汐优选】双十二会员日，全场满199减60，回T退订"
BANK_SENDER = "95566"
BANK = "【北辰银行】您尾号8831的卡于12月01日支出238.50元，余额1024.00元。"


def sms(sender, body, received_at=None):
    return sg.SmsMessage(sender=sender, body=body, received_at=received_at)


class StateTest(unittest.TestCase):
    """User state with temp state files. Every message is invented."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "state.json")

    def tearDown(self):
        self.tmp.cleanup()

    def test_grant_and_revoke_change_classify_and_persist(self):
        g = sg.SmsGuard.open(self.path)
        self.assertEqual(self.path, g.state_path())
        self.assertEqual(sg.Action.PROMOTION, g.classify(sms(PROMO_SENDER, PROMO)).action)
        g.consent_revoke("潮汐优选", None)
        v = g.classify(sms(PROMO_SENDER, PROMO))
        self.assertEqual((sg.Action.JUNK, sg.Consent.REVOKED), (v.action, v.consent))
        g.consent_grant("潮汐优选", None)
        self.assertEqual(sg.Consent.GRANTED, g.classify(sms(PROMO_SENDER, PROMO)).consent)
        reopened = sg.SmsGuard.open(self.path)
        self.assertEqual(["潮汐优选"], [e.signature for e in reopened.consent_list()])
        self.assertEqual(sg.ConsentState.GRANTED, reopened.consent_list()[0].state)

    def test_revoked_marketing_is_reportable_and_report_sent_dedupes(self):
        g = sg.SmsGuard.open(self.path)
        g.consent_revoke("潮汐优选", None)
        plan = g.report(sms(PROMO_SENDER, PROMO))
        self.assertTrue(plan.reportable, plan)
        cm = [d for d in plan.drafts if d.destination == "10086999"]
        self.assertEqual(1, len(cm), plan.drafts)
        self.assertEqual(f"{PROMO_SENDER}*{PROMO}", cm[0].body)
        self.assertEqual(sg.ChannelKind.SMS, cm[0].kind)
        self.assertTrue(g.report_sent(sms(PROMO_SENDER, PROMO), cm[0].channel))
        self.assertFalse(g.report_sent(sms(PROMO_SENDER, PROMO), cm[0].channel))
        again = g.report(sms(PROMO_SENDER, PROMO))
        self.assertFalse(again.reportable)
        self.assertEqual("report_already_sent", again.not_reportable.code)
        # Another guard on the same file sees the history.
        self.assertFalse(sg.SmsGuard.open(self.path).report(sms(PROMO_SENDER, PROMO)).reportable)

    def test_a_transaction_is_never_reportable(self):
        g = sg.SmsGuard.open(self.path)
        self.assertEqual(sg.Action.TRANSACTION, g.classify(sms(BANK_SENDER, BANK)).action)
        for plan in g.report_batch([sms(BANK_SENDER, BANK), sms(BANK_SENDER, BANK)]):
            self.assertFalse(plan.reportable)
            self.assertEqual([], plan.drafts)
            self.assertEqual("report_not_transaction", plan.not_reportable.code)
        with self.assertRaises(sg.SmsGuardError.InvalidData):
            g.report_sent(sms(BANK_SENDER, BANK), "china_mobile")

    def test_unsubscribe_sent_revokes(self):
        g = sg.SmsGuard.open(self.path)
        reply = g.unsubscribe(sms(PROMO_SENDER, PROMO))
        self.assertIsNotNone(reply)
        self.assertEqual(("T", PROMO_SENDER), (reply.body, reply.destination))
        g.unsubscribe_sent(reply)
        self.assertEqual(sg.Consent.REVOKED, g.classify(sms(PROMO_SENDER, PROMO)).consent)
        self.assertEqual(sg.ConsentSource.UNSUBSCRIBE, g.consent_list()[0].how)

    def test_rules_feedback_and_strict(self):
        g = sg.SmsGuard.open(self.path)
        loan = sms(PROMO_SENDER, "【云杉小贷】无抵押低息贷款，最快当天放款，回T退订")
        rid = g.rules_add(sg.UserRuleEffect.BLOCK, sg.UserRuleKind.KEYWORD, "当天放款")
        self.assertEqual(sg.Action.JUNK, g.classify(loan).action)
        exported = g.rules_export_json()
        g.rules_remove(rid)
        self.assertEqual([], g.rules_list())
        self.assertEqual(1, g.rules_import_json(exported, "backup.json"))
        with self.assertRaises(sg.SmsGuardError.InvalidData) as cm:
            g.rules_add(sg.UserRuleEffect.BLOCK, sg.UserRuleKind.REGEX, "(")
        self.assertEqual("user rules", cm.exception.origin)
        f = g.feedback(sg.FeedbackKind.IS_JUNK, sms(PROMO_SENDER, PROMO))
        self.assertEqual(sg.Action.JUNK, g.classify(sms(PROMO_SENDER, PROMO)).action)
        g.feedback_undo(f.id)
        self.assertEqual([], g.feedback_list())
        g.set_strict(True)
        self.assertTrue(sg.SmsGuard.open(self.path).strict())
        self.assertEqual(sg.Action.JUNK, g.classify(sms(PROMO_SENDER, PROMO)).action)

    def test_corrupt_state_file_is_actionable_and_untouched(self):
        text = '{"format": "smsguard-state", "version": 1, "gen'
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(text)
        with self.assertRaises(sg.SmsGuardError.StateUnreadable) as cm:
            sg.SmsGuard.open(self.path)
        self.assertEqual(self.path, cm.exception.path)
        with open(self.path, encoding="utf-8") as f:
            self.assertEqual(text, f.read())
        aside = sg.set_aside_state(self.path)
        self.assertFalse(os.path.exists(self.path))
        self.assertTrue(os.path.exists(aside))
        self.assertEqual([], sg.SmsGuard.open(self.path).consent_list())

    def test_newer_state_file_is_state_unreadable(self):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write('{"format": "smsguard-state", "version": 99, "generation": 1, "state": {}}')
        with self.assertRaises(sg.SmsGuardError.StateUnreadable):
            sg.SmsGuard.open(self.path)

    def test_broken_rule_pack_is_invalid_data(self):
        pack = (
            "format = smsguard-rules/1\npack = test\nversion = 1\n\n[test.loan]\nany = 贷款\n"
            "effect = explode everything\nreason = test_loan\nzh = 贷款\nen = Loan\n"
        )
        with self.assertRaises(sg.SmsGuardError.InvalidData) as cm:
            sg.SmsGuard.with_config(sg.GuardConfig(rule_packs=[sg.RulePack(origin="broken.rules", text=pack)]))
        self.assertEqual(("broken.rules", 7), (cm.exception.origin, cm.exception.line))

    def test_threads_changing_state_keep_the_engine_current(self):
        g = sg.SmsGuard.open(self.path)
        sigs = [f"商户{i}" for i in range(8)]
        ts = [threading.Thread(target=g.consent_revoke, args=(s, None)) for s in sigs]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(sorted(sigs), sorted(e.signature for e in g.consent_list()))
        for s in sigs:
            v = g.classify(sms(PROMO_SENDER, f"【{s}】周末特惠，全场满99减30，回T退订"))
            self.assertEqual(sg.Consent.REVOKED, v.consent, s)


TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "testdata")


def testdata(name):
    with open(os.path.join(TESTDATA, name), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


class ContactsTest(unittest.TestCase):
    """testdata/contacts.jsonl and report_carriers.jsonl: the known-contact flag and the carrier."""

    @classmethod
    def setUpClass(cls):
        cls.guard = sg.SmsGuard()

    def test_known_contact_vectors(self):
        rows = testdata("contacts.jsonl")
        self.assertGreaterEqual(len(rows), 6)
        for v in rows:
            m = sg.SmsMessage(sender=v["sender"], body=v["body"], received_at=None, known_contact=v["known_contact"])
            got = self.guard.classify(m)
            self.assertEqual(v["expect_action"], wire(got.action), v["id"])
            self.assertEqual(v["expect_category"], wire(got.category), v["id"])
            if v["expect_reason"]:
                self.assertEqual(v["expect_reason"], got.reasons[0].code, v["id"])
            else:
                self.assertFalse(any(r.code.startswith("known_contact") for r in got.reasons), v["id"])

    def test_carrier_vectors(self):
        rows = testdata("report_carriers.jsonl")
        self.assertGreaterEqual(len(rows), 8)
        for v in rows:
            carrier = sg.carrier_from_mcc_mnc(v["sim_operator"])
            self.assertEqual(v["expect_carrier"], wire(carrier), v["id"])
            plan = self.guard.report_for_carrier(sg.SmsMessage(sender=v["sender"], body=v["body"], received_at=None), carrier)
            self.assertEqual(v["expect_first_channel"], plan.drafts[0].channel, v["id"])
            self.assertEqual(v["expect_first_verified"], plan.drafts[0].verified, v["id"])


if __name__ == "__main__":
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
        unittest.TestSuite(
            [
                unittest.defaultTestLoader.loadTestsFromTestCase(BindingsTest),
                unittest.defaultTestLoader.loadTestsFromTestCase(StateTest),
                unittest.defaultTestLoader.loadTestsFromTestCase(ContactsTest),
            ]
        )
    )
    # Call cost through ctypes, median of 7 rounds (printed for the README's table).
    import time

    guard = sg.SmsGuard()
    msgs = [message(v) for v in VECTORS if v["body"]]
    rounds = []
    for _ in range(7):
        t = time.perf_counter()
        for i in range(1000):
            guard.classify(msgs[i % len(msgs)])
        rounds.append((time.perf_counter() - t) / 1000 * 1e6)
    print(f"benchmark: classify via Python/uniffi {sorted(rounds)[3]:.1f} µs/call")
    bad = len(result.failures) + len(result.errors)
    print(f"python-bindings: {result.testsRun - bad} passed, {bad} failed")
    sys.exit(0 if bad == 0 and result.testsRun > 0 else 1)
