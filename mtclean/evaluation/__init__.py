"""Evaluation: gold annotations, metrics and sibling-article support."""
