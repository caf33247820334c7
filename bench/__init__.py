"""Benchmarks: `make bench` (or `.venv/bin/python -m bench`) load-tests the questionnaire's hot path."""
