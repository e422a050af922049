"""The verdict taxonomy from shared/DESIGN.md, mirrored for validation of mapped labels."""

ACTIONS = ("allow", "transaction", "promotion", "junk")

CATEGORIES = {
    "allow": ("personal",),
    "transaction": ("otp", "finance", "orders", "reminders", "health", "weather", "carrier",
                    "rewards", "public_services", "other"),
    "promotion": ("offers", "coupons", "other"),
    "junk": ("fraud", "phishing", "gambling", "adult", "illegal_goods",
             "unsolicited_marketing", "other"),
}

# Category for rows whose corpus only says spam/ham (0/1). Policy: LABEL_MAP comment, loaders.py.
UNKNOWN = "unknown"

SPAM_ACTIONS = ("promotion", "junk")
HAM_ACTIONS = ("allow", "transaction")

# Label quality, highest first. Dedupe resolves conflicting labels by preferring higher quality.
QUALITY_RANK = {"gold": 3, "silver": 2, "folder": 1, "binary": 1}


def is_spam(action: str) -> bool:
    return action in SPAM_ACTIONS


def valid_label(action: str, category: str) -> bool:
    if action not in CATEGORIES:
        return False
    return category == UNKNOWN or category in CATEGORIES[action]


# Truth label for rows known only as "spam" (0/1 corpora): shown as its own confusion-matrix row.
SPAM_UNKNOWN = "spam_unknown"


def train_action(rec: dict) -> str | None:
    """4-way training target, or None to leave the row out (policy: see the LABEL_MAP comment in loaders.py):
    ham of unknown kind -> allow (the "not filtered" folder); spam of unknown kind -> None."""
    if rec["category"] == UNKNOWN:
        return None if is_spam(rec["action"]) else "allow"
    return rec["action"]


def eval_action(rec: dict) -> str:
    """Truth for evaluation: the action, or SPAM_UNKNOWN for spam whose kind is unknown."""
    if rec["category"] == UNKNOWN and is_spam(rec["action"]):
        return SPAM_UNKNOWN
    return rec["action"]
