"""One loader per corpus folder under shared/data/.

Every loader returns a LoadResult: records plus a Counter of skipped rows by reason. A record is a
dict with the keys of RECORD_KEYS:

    text          the message body, as close to the raw SMS as the corpus allows (segmentation
                  spaces removed, gateway markers stripped, tabs/newlines -> space)
    sender        sender number/name where the corpus gives one, else ""
    action        allow | transaction | promotion | junk
    category      a category of that action from DESIGN.md, or "unknown" (policy: comment above LABEL_MAP)
    family        source family (INDEX.md); never split across train and test
    source        corpus folder name
    label_quality gold | silver | folder | binary
    label_raw     the corpus's own label string (for audits)
    masking       how the corpus masks digits/contacts: raw | x | placeholder | mixed
    tags          list of strings, e.g. "template", "multipart_head"
    group         who wrote it, where a corpus says (nus_sms_zh: the hashed sender; lccc: the
                  session), else "": splits keep one group on one side

Malformed rows are skipped and counted, never raised: corpora are untrusted input. A missing file
raises FileNotFoundError naming it.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .taxonomy import UNKNOWN, valid_label

RECORD_KEYS = ("text", "sender", "action", "category", "family", "source", "label_quality",
               "label_raw", "masking", "tags", "group")

# Source families exactly as INDEX.md lists them (1-5). anonyscorpio_marketing is not in INDEX.md's
# family list and shares no texts with any other corpus, so it is its own family.
FAMILY = {
    "sms80w_chenhangjun": "sms80w",
    "sms80w_wdingao": "sms80w",
    "sms80w_tensorlayer_msglog": "sms80w",
    "mudou_spam": "mudou",
    "spamlr_xhacker": "mudou",
    "oppo_android_sms_zh4": "mudou",
    "fbs_ccs20": "fbs",
    "notify-samples": "notify",
    "uci_sms_spam": "uci",
    "mendeley_smishing": "uci",
    "anonyscorpio_marketing": "jd_marketing",
    "nus_sms_zh": "nus",
    "lccc_weibo_chat": "lccc",
}

# ---------------------------------------------------------------------------------------------
# The label mapping, in one table: (source, corpus label) -> (action, category, label_quality).
# None means "drop the row".
#
# Decisions:
# * FBS AD:* -> promotion, not junk/unsolicited_marketing. Whether marketing is unsolicited is a
#   fact about consent and the sender (the consent ledger and the sender check decide it in
#   policy), not about the text: the same retail offer is a promotion from a brand the user
#   subscribed to. The model should learn "this is marketing"; policy turns it into junk.
#   AD:Loan is kept as promotion/other for the same reason (grey-market loans the oppo labels call
#   HARASS are debt collection/usury, a different thing).
# * FBS FR:Phishing(*) -> junk/phishing; FR:Financial/FR:Other -> junk/fraud.
# * FBS IL:* -> gambling / adult / illegal_goods; political propaganda -> junk/other.
# * FBS "Other" -> dropped: its SOURCE.md says it includes government/public-service notices sent
#   via FBS, whose text looks like transaction/public_services; labelling them junk would teach the
#   model to hide real notices (the error that matters most).
# * oppo (silver, machine-assisted): TRANSACTION -> transaction/other, AD -> promotion/other,
#   FRAUD -> junk/fraud, HARASS -> junk/other, NEEDS_REVIEW -> dropped.
# * 0/1 corpora (80万, mudou, spamlr, UCI): 1 -> junk/unknown, 0 -> allow/unknown. Policy for
#   "unknown": the row is reliable only as spam vs ham. Binary tasks use it as is. The 4-way action
#   task (taxonomy.train_action) uses ham-unknown as allow (the "not filtered" folder) and leaves
#   spam-unknown out of training (promotion vs junk cannot be told); in evaluation (eval_action)
#   spam-unknown counts as spam: caught if predicted junk or promotion. Where the same text has
#   a finer label in another corpus of the family (oppo relabels the mudou texts), dedupe keeps
#   the finer label (higher label_quality).
# * mendeley: ham -> allow/unknown, spam -> junk/unknown, smishing -> junk/phishing (hand labels,
#   case-normalised).
# * anonyscorpio (JD.com marketing send log, folder label) -> promotion/other.
# * notify-samples: transaction/<sub> kept (travel -> orders: ticket and booking messages are
#   purchases; the taxonomy has no travel), promotion/<sub> kept (rewards -> offers),
#   fraud/<sub> -> junk/fraud (sub = impersonated domain, kept in label_raw).
# ---------------------------------------------------------------------------------------------
_BIN_SPAM = ("junk", UNKNOWN, "binary")
_BIN_HAM = ("allow", UNKNOWN, "binary")

LABEL_MAP: dict[tuple[str, str], tuple[str, str, str] | None] = {
    ("fbs_ccs20", "AD:Loan"): ("promotion", "other", "gold"),
    ("fbs_ccs20", "AD:Network_service"): ("promotion", "other", "gold"),
    ("fbs_ccs20", "AD:Other"): ("promotion", "other", "gold"),
    ("fbs_ccs20", "AD:Real_estate"): ("promotion", "offers", "gold"),
    ("fbs_ccs20", "AD:Retail"): ("promotion", "offers", "gold"),
    ("fbs_ccs20", "FR:Financial"): ("junk", "fraud", "gold"),
    ("fbs_ccs20", "FR:Other"): ("junk", "fraud", "gold"),
    ("fbs_ccs20", "FR:Phishing(Bank)"): ("junk", "phishing", "gold"),
    ("fbs_ccs20", "FR:Phishing(Other)"): ("junk", "phishing", "gold"),
    ("fbs_ccs20", "IL:Escort_service"): ("junk", "adult", "gold"),
    ("fbs_ccs20", "IL:Fake_ID_and_invoice"): ("junk", "illegal_goods", "gold"),
    ("fbs_ccs20", "IL:Gambling"): ("junk", "gambling", "gold"),
    ("fbs_ccs20", "IL:Political_propaganda"): ("junk", "other", "gold"),
    ("fbs_ccs20", "Other"): None,
    ("oppo_android_sms_zh4", "TRANSACTION"): ("transaction", "other", "silver"),
    ("oppo_android_sms_zh4", "AD"): ("promotion", "other", "silver"),
    ("oppo_android_sms_zh4", "FRAUD"): ("junk", "fraud", "silver"),
    ("oppo_android_sms_zh4", "HARASS"): ("junk", "other", "silver"),
    ("oppo_android_sms_zh4", "NEEDS_REVIEW"): None,
    ("sms80w_chenhangjun", "1"): _BIN_SPAM,
    ("sms80w_chenhangjun", "0"): _BIN_HAM,
    ("sms80w_wdingao", "1"): _BIN_SPAM,
    ("sms80w_wdingao", "0"): _BIN_HAM,
    ("sms80w_tensorlayer_msglog", "spam"): _BIN_SPAM,
    ("sms80w_tensorlayer_msglog", "pass"): _BIN_HAM,
    ("mudou_spam", "1"): _BIN_SPAM,
    ("mudou_spam", "0"): _BIN_HAM,
    ("spamlr_xhacker", "1"): _BIN_SPAM,
    ("spamlr_xhacker", "0"): _BIN_HAM,
    ("uci_sms_spam", "spam"): _BIN_SPAM,
    ("uci_sms_spam", "ham"): _BIN_HAM,
    ("mendeley_smishing", "ham"): ("allow", UNKNOWN, "gold"),
    ("mendeley_smishing", "spam"): ("junk", UNKNOWN, "gold"),
    ("mendeley_smishing", "smishing"): ("junk", "phishing", "gold"),
    ("anonyscorpio_marketing", "营销类"): ("promotion", "other", "folder"),
    # Messages people sent to people (NUS) and casual chat lines (LCCC, Weibo): the allow folder.
    ("nus_sms_zh", "personal"): ("allow", "personal", "gold"),
    ("lccc_weibo_chat", "chat"): ("allow", "personal", "silver"),
}

# notify-samples rows, keyed "category/subcategory" (the file's own columns), in the same table.
NOTIFY_SUBS = ("otp", "finance", "orders", "reminders", "travel", "carrier", "health",
               "public_services", "rewards", "offers", "coupons", "other", "weather")
NOTIFY_TX_SUB = {"travel": "orders"}      # no travel category; tickets/bookings are purchases
NOTIFY_PROMO_SUB = {"rewards": "offers"}  # promotion has offers/coupons/other only
for _sub in NOTIFY_SUBS:
    _tx = NOTIFY_TX_SUB.get(_sub, _sub)
    _pr = NOTIFY_PROMO_SUB.get(_sub, _sub)
    LABEL_MAP[("notify-samples", f"transaction/{_sub}")] = \
        ("transaction", _tx, "gold") if valid_label("transaction", _tx) else None
    LABEL_MAP[("notify-samples", f"promotion/{_sub}")] = \
        ("promotion", _pr, "gold") if valid_label("promotion", _pr) else None
    # fraud's subcategory is the impersonated domain, not a junk category
    LABEL_MAP[("notify-samples", f"fraud/{_sub}")] = ("junk", "fraud", "gold")


def map_label(source: str, raw: str) -> tuple[str, str, str] | None:
    """Look up LABEL_MAP; KeyError for a label the table does not know (caller counts it)."""
    return LABEL_MAP[(source, raw)]


MAX_SKIP_EXAMPLES = 5


@dataclass
class LoadResult:
    records: list[dict] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    rows: int = 0  # data rows read (excluding headers)
    at: str = ""  # "file:line" of the row being read
    # reason -> first few "file:line" locations (never the text), for audits in stats.json
    skipped_at: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1
        where = self.skipped_at.setdefault(reason, [])
        if len(where) < MAX_SKIP_EXAMPLES and self.at:
            where.append(self.at)


# ---------------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------------
_WS = re.compile(r"[\t\r\n\u2028\u2029]+")


def clean_text(s: str) -> str:
    """Tabs/newlines -> one space, strip. Does not touch content otherwise."""
    return _WS.sub(" ", s).strip()


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def desegment(s: str) -> str:
    """Undo word segmentation: drop a space unless both neighbours are ASCII letters/digits.

    Segmenters put spaces between every token; the original Chinese SMS had none between CJK
    characters, punctuation or around placeholders. Spaces between two Latin words are kept
    (they are usually genuine, e.g. English fragments). Runs of spaces count as one.
    """
    s = clean_text(s)
    out: list[str] = []
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch == " ":
            j = i
            while j < n and s[j] == " ":
                j += 1
            prev = out[-1] if out else ""
            nxt = s[j] if j < n else ""
            if prev and nxt and _is_ascii_word(prev) and _is_ascii_word(nxt):
                out.append(" ")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _rec(text: str, source: str, label: tuple[str, str, str], label_raw: str, *, sender: str = "",
         masking: str = "raw", tags: Iterable[str] = (), group: str = "") -> dict:
    action, category, quality = label
    return {
        "text": text,
        "sender": sender,
        "action": action,
        "category": category,
        "family": FAMILY[source],
        "source": source,
        "label_quality": quality,
        "label_raw": label_raw,
        "masking": masking,
        "tags": list(tags),
        "group": group,
    }


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: corpus file missing")
    # errors="replace": a stray invalid byte must not abort a whole corpus.
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        return f.read().split("\n")


def _add(res: LoadResult, source: str, raw_label: str, text: str, **kw) -> None:
    """Map the label and append, counting the reason when the row is dropped."""
    if not text:
        res.skip("empty_text")
        return
    try:
        label = map_label(source, raw_label)
    except KeyError:
        res.skip("unknown_label")
        return
    if label is None:
        res.skip(f"dropped_label:{raw_label}")
        return
    res.records.append(_rec(text, source, label, raw_label, **kw))


def _load_label_tab_text(path: Path, source: str, res: LoadResult, *, masking: str) -> None:
    """`label \\t text` per line; a text with inner tabs is re-joined with spaces."""
    for lineno, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"{path.name}:{lineno}"
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 2:
            res.skip("no_text")
            continue
        label = parts[0].strip()
        text = clean_text(" ".join(parts[1:]))
        _add(res, source, label, text, masking=masking)


# ---------------------------------------------------------------------------------------------
# loaders, one per folder
# ---------------------------------------------------------------------------------------------
def load_sms80w_chenhangjun(folder: Path) -> LoadResult:
    """dataset.csv: `label,text`, no header, unquoted (split on the first comma)."""
    src, res = "sms80w_chenhangjun", LoadResult()
    for lineno, line in enumerate(_read_lines(folder / "dataset.csv"), 1):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"dataset.csv:{lineno}"
        label, sep, text = line.rstrip("\r").partition(",")
        if not sep:
            res.skip("no_text")
            continue
        _add(res, src, label.strip(), clean_text(text), masking="x")
    return res


def load_sms80w_wdingao(folder: Path) -> LoadResult:
    """data_set.txt (+ the 10-row data_set_test.txt if present): `label \\t text`."""
    src, res = "sms80w_wdingao", LoadResult()
    _load_label_tab_text(folder / "data_set.txt", src, res, masking="x")
    toy = folder / "data_set_test.txt"
    if toy.is_file():
        _load_label_tab_text(toy, src, res, masking="x")
    return res


def load_sms80w_tensorlayer_msglog(folder: Path) -> LoadResult:
    """msgpass.log.seg (ham) / msgspam.log.seg (spam): one segmented message per line."""
    src, res = "sms80w_tensorlayer_msglog", LoadResult()
    for name, label in (("msgpass.log.seg", "pass"), ("msgspam.log.seg", "spam")):
        for lineno, line in enumerate(_read_lines(folder / name), 1):
            if not line.strip():
                continue
            res.rows += 1
            res.at = f"{name}:{lineno}"
            _add(res, src, label, desegment(line), masking="x")
    return res


FBS_FILES = ("AD:Loan", "AD:Network_service", "AD:Other", "AD:Real_estate", "AD:Retail",
             "FR:Financial", "FR:Other", "FR:Phishing(Bank)", "FR:Phishing(Other)",
             "IL:Escort_service", "IL:Fake_ID_and_invoice", "IL:Gambling",
             "IL:Political_propaganda", "Other")


def load_fbs_ccs20(folder: Path) -> LoadResult:
    """One file per category (file name = label); segmented text with placeholder tokens."""
    src, res = "fbs_ccs20", LoadResult()
    for name in FBS_FILES:
        path = folder / name
        if not path.is_file():
            res.at = name
            res.skip(f"missing_file:{name}")
            continue
        for lineno, line in enumerate(_read_lines(path), 1):
            if not line.strip():
                continue
            res.rows += 1
            res.at = f"{name}:{lineno}"
            _add(res, src, name, desegment(line), masking="placeholder")
    return res


def _split_mudou(line: str) -> tuple[str, str] | None:
    """`label \\t raw \\t segmented`. A raw text with k inner tabs gives 2k+3 fields (the
    segmented copy carries the same tabs), so the raw part is the first half after the label."""
    parts = line.rstrip("\r").split("\t")
    if len(parts) < 2:
        return None
    label = parts[0].strip()
    if len(parts) <= 3:
        return label, parts[1]
    if (len(parts) - 1) % 2 == 0:
        half = (len(parts) - 1) // 2
        return label, " ".join(parts[1:1 + half])
    return None


def load_mudou_spam(folder: Path) -> LoadResult:
    """mudou_spam.train + mudou_spam.test; label-only rows are skipped."""
    src, res = "mudou_spam", LoadResult()
    for name in ("mudou_spam.train", "mudou_spam.test"):
        for lineno, line in enumerate(_read_lines(folder / name), 1):
            if not line.strip():
                continue
            res.rows += 1
            res.at = f"{name}:{lineno}"
            if "\t" not in line.strip():
                res.skip("label_only")
                continue
            got = _split_mudou(line)
            if got is None:
                res.skip("malformed_fields")
                continue
            label, text = got
            _add(res, src, label, clean_text(text), masking="raw")
    return res


def load_spamlr_xhacker(folder: Path) -> LoadResult:
    src, res = "spamlr_xhacker", LoadResult()
    _load_label_tab_text(folder / "train.txt", src, res, masking="raw")
    return res


def load_oppo_android_sms_zh4(folder: Path) -> LoadResult:
    """zh_all_suggested.csv (BOM, header); `label` is the silver 4-class label."""
    src, res = "oppo_android_sms_zh4", LoadResult()
    path = folder / "zh_all_suggested.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: corpus file missing")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "text" not in reader.fieldnames \
                or "label" not in reader.fieldnames:
            raise ValueError(f"{path}: header lacks text/label columns")
        try:
            for row in reader:
                res.rows += 1
                res.at = f"{path.name}:{reader.line_num}"
                text, label = row.get("text"), row.get("label")
                if text is None or label is None:
                    res.skip("short_row")
                    continue
                _add(res, src, label.strip(), clean_text(text), masking="raw")
        except csv.Error:
            # A broken quote would swallow the rest; count it and keep what was read.
            res.skip("csv_error")
    return res


_AT_PREFIX = re.compile(r"^\s*@\d+\s*")
_PART = re.compile(r"^\s*\[(\d+)/(\d+)\]\s*")


def strip_gateway_markers(cell: str) -> tuple[str, int | None, int | None]:
    """Remove `@n` and `[k/n]`; return (body, k, n) with k/n None when unmarked."""
    s = _AT_PREFIX.sub("", cell, count=1)
    m = _PART.match(s)
    if not m:
        return clean_text(s), None, None
    return clean_text(s[m.end():]), int(m.group(1)), int(m.group(2))


def parse_marketing_cells(cells: Iterable[object], res: LoadResult, name: str = "cells") -> None:
    """Turn send-log cells into unique marketing bodies.

    The SOURCE.md does not say how fragments of one message are linked (rows of one message are
    not adjacent and `@n` is not a message id), so they cannot be re-assembled. We keep unmarked
    bodies and first parts ([1/n]: the head carries the brand and offer) and drop continuation
    parts ([k/n], k > 1: tails like a bare short link are not messages). Unique bodies only: the
    log repeats one body up to ~23k times.
    """
    src = "anonyscorpio_marketing"
    seen: set[str] = set()
    for rowno, cell in enumerate(cells, 1):
        if cell is None:
            continue
        res.rows += 1
        res.at = f"{name}:{rowno}"
        body, k, n = strip_gateway_markers(str(cell))
        if k is not None and k > 1:
            res.skip("multipart_continuation")
            continue
        if body in seen:
            res.skip("repeat_body")
            continue
        if not body:
            res.skip("empty_text")
            continue
        seen.add(body)
        tags = ["multipart_head"] if (n is not None and n > 1) else []
        _add(res, src, "营销类", body, masking="raw", tags=tags)


def load_anonyscorpio_marketing(folder: Path) -> LoadResult:
    """营销类/*.xlsx: one column of gateway cells (`@n`, `[k/n]`, text)."""
    import openpyxl  # local import: only this loader needs it

    res = LoadResult()
    sub = folder / "营销类"
    files = sorted(sub.glob("*.xlsx")) if sub.is_dir() else []
    if not files:
        raise FileNotFoundError(f"{sub}: no .xlsx file")
    for path in files:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                parse_marketing_cells((row[0] if row else None
                                       for row in ws.iter_rows(values_only=True)), res,
                                      name=path.name)
        finally:
            wb.close()
    return res


NOTIFY_COLUMNS = ["category", "subcategory", "sender", "text", "source"]


def load_notify_samples(folder: Path) -> LoadResult:
    """all.tsv: header + `category subcategory sender text source`, tab-separated, unquoted."""
    src, res = "notify-samples", LoadResult()
    path = folder / "all.tsv"
    lines = _read_lines(path)
    if not lines or lines[0].rstrip("\r").split("\t") != NOTIFY_COLUMNS:
        raise ValueError(f"{path}: line 1: expected header {NOTIFY_COLUMNS}")
    for lineno, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"all.tsv:{lineno}"
        parts = line.rstrip("\r").split("\t")
        if len(parts) != 5:
            res.skip("wrong_field_count")
            continue
        category, sub, sender, text, origin = (p.strip() for p in parts)
        tags = ["template"] if "template" in origin else []
        _add(res, src, f"{category}/{sub}", clean_text(text), sender=sender, masking="mixed",
             tags=tags)
    return res


def load_uci_sms_spam(folder: Path) -> LoadResult:
    """SMSSpamCollection: `ham|spam \\t text`; HTML entities (&lt; &amp;) unescaped."""
    src, res = "uci_sms_spam", LoadResult()
    for lineno, line in enumerate(_read_lines(folder / "SMSSpamCollection"), 1):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"SMSSpamCollection:{lineno}"
        label, sep, text = line.rstrip("\r").partition("\t")
        if not sep:
            res.skip("no_text")
            continue
        _add(res, src, label.strip().lower(), clean_text(html.unescape(text)), masking="raw")
    return res


def load_mendeley_smishing(folder: Path) -> LoadResult:
    """Dataset_5971.csv: header `label,TEXT,URL,EMAIL,PHONE`; label case varies."""
    src, res = "mendeley_smishing", LoadResult()
    path = folder / "Dataset_5971.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: corpus file missing")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or len(header) < 2:
            raise ValueError(f"{path}: line 1: missing header")
        try:
            for row in reader:
                res.rows += 1
                res.at = f"{path.name}:{reader.line_num}"
                if len(row) < 2:
                    res.skip("short_row")
                    continue
                _add(res, src, row[0].strip().lower(), clean_text(html.unescape(row[1])),
                     masking="raw")
        except csv.Error:
            res.skip("csv_error")
    return res


# NUS masks numbers as <#>: written back as digits, which the normaliser masks like any number.
_NUS_NUMBER = re.compile(r"<#>")
_NUS_OTHER_PLACEHOLDER = re.compile(r"<(URL|EMAIL)>", re.IGNORECASE)
NUS_COLUMNS = ["id", "collection_method", "user_id", "country", "city", "text"]


def load_nus_sms_zh(folder: Path) -> LoadResult:
    """nus_sms_zh.meta.tsv: header + `id collection_method user_id country city text`; every row
    is an SMS a volunteer sent to another person. group = user_id (the split keeps a sender on one
    side). Rows with <URL>/<EMAIL> placeholders are skipped (a link the corpus hid cannot be
    written back faithfully)."""
    src, res = "nus_sms_zh", LoadResult()
    path = folder / "nus_sms_zh.meta.tsv"
    lines = _read_lines(path)
    if not lines or lines[0].rstrip("\r").split("\t") != NUS_COLUMNS:
        raise ValueError(f"{path}: line 1: expected header {NUS_COLUMNS}")
    for lineno, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"{path.name}:{lineno}"
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 6:
            res.skip("wrong_field_count")
            continue
        user, text = parts[2].strip(), clean_text(" ".join(parts[5:]))
        if not user:
            res.skip("no_user")
            continue
        if _NUS_OTHER_PLACEHOLDER.search(text):
            res.skip("url_or_email_placeholder")
            continue
        text = _NUS_NUMBER.sub("12", text)
        _add(res, src, "personal", text, masking="raw", group=f"nus:{user}")
    return res


LCCC_COLUMNS = ["split", "session", "turn", "text"]


def load_lccc_weibo_chat(folder: Path) -> LoadResult:
    """lccc_chat.meta.tsv: header + `split session turn text`. group = split:session (a
    conversation stays on one side of a split)."""
    src, res = "lccc_weibo_chat", LoadResult()
    path = folder / "lccc_chat.meta.tsv"
    lines = _read_lines(path)
    if not lines or lines[0].rstrip("\r").split("\t") != LCCC_COLUMNS:
        raise ValueError(f"{path}: line 1: expected header {LCCC_COLUMNS}")
    for lineno, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        res.rows += 1
        res.at = f"{path.name}:{lineno}"
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 4:
            res.skip("wrong_field_count")
            continue
        group = f"lccc:{parts[0].strip()}:{parts[1].strip()}"
        _add(res, src, "chat", clean_text(" ".join(parts[3:])), masking="raw", group=group)
    return res


LOADERS: dict[str, Callable[[Path], LoadResult]] = {
    "sms80w_chenhangjun": load_sms80w_chenhangjun,
    "sms80w_wdingao": load_sms80w_wdingao,
    "sms80w_tensorlayer_msglog": load_sms80w_tensorlayer_msglog,
    "fbs_ccs20": load_fbs_ccs20,
    "mudou_spam": load_mudou_spam,
    "spamlr_xhacker": load_spamlr_xhacker,
    "oppo_android_sms_zh4": load_oppo_android_sms_zh4,
    "anonyscorpio_marketing": load_anonyscorpio_marketing,
    "notify-samples": load_notify_samples,
    "uci_sms_spam": load_uci_sms_spam,
    "mendeley_smishing": load_mendeley_smishing,
    "nus_sms_zh": load_nus_sms_zh,
    "lccc_weibo_chat": load_lccc_weibo_chat,
}


def load_all(data_dir: Path, only: Iterable[str] | None = None) -> dict[str, LoadResult]:
    """Run every loader (or those named in `only`) on data_dir/<folder>."""
    names = list(only) if only is not None else list(LOADERS)
    out: dict[str, LoadResult] = {}
    for name in names:
        folder = Path(data_dir) / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: corpus folder missing")
        out[name] = LOADERS[name](folder)
    return out
