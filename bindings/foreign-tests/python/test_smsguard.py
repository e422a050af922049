"""The uniffi Python bindings: results must agree exactly with the Rust engine.

Run with PYTHONPATH=<bindings>/python (where scripts/gen-bindings.sh puts smsguard_ffi.py and
the library) and SMSGUARD_EXPECTED / SMSGUARD_VECTORS set (bindings/scripts/test-python.sh).
Prints `python-bindings: N passed, N failed`.
"""

import json
import os
import struct
import sys
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
            assert len(fl) == 11, len(fl)
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
        with self.assertRaises(sg.InternalError) as cm:
            sg.debug_panic("from python")
        self.assertIn("from python", str(cm.exception))
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


if __name__ == "__main__":
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(BindingsTest)
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
