"""Rounds: which round is current, deadlines and extensions, progress through a round, and questionnaire
versions."""
