"""smsguard training data pipeline: loaders -> dedupe -> splits, plus a TF-IDF+LR baseline.

Corpus text never leaves models/work/ (gitignored); everything printed is counts and metrics.
"""
