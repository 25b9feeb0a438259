"""Every reader and writer of files: journal JSONL, bank CSV profiles, camt.053, the audit
exports, their manifests and checks, the disclosure HTML."""
