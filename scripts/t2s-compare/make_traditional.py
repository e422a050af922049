"""Traditional versions of real messages for scripts/t2s-compare: OpenCC s2t (characters and
phrases, the conversion a Traditional-Chinese sender's phone or IME would produce) applied to the
mudou test split (spam and ham) and notify-samples. Writes label, simplified, traditional (TSV)."""
import csv
import sys

import opencc

data, out = sys.argv[1], sys.argv[2]
s2t = opencc.OpenCC("s2t")
rows = []
for line in open(f"{data}/mudou_spam/mudou_spam.test", encoding="utf-8"):
    p = line.rstrip("\n").split("\t")
    if len(p) >= 2 and p[1].strip():
        rows.append(("spam" if p[0] == "1" else "ham", p[1]))
for d in csv.DictReader(open(f"{data}/notify-samples/all.tsv", encoding="utf-8"), delimiter="\t"):
    rows.append(("ham" if d["category"] == "transaction" else "spam", d["text"]))
with open(out, "w", encoding="utf-8") as f:
    for label, text in rows:
        text = text.replace("\t", " ").replace("\n", " ")
        f.write(f"{label}\t{text}\t{s2t.convert(text)}\n")
