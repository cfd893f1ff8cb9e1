"""Evaluation: hand-labelled gold fixtures (``evals/fixtures/<name>/gold.json``) and scoring."""
