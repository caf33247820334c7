"""Reviewers: the queue, decisions (claim, approve, request changes, reject), what changed between revisions,
possible duplicates and the daily digest.
"""
