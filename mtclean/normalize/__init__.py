"""The normalizer: candidate originals for flagged spans, ranked in context."""
