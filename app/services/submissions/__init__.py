"""The lead's side of a collaboration project: starting it, saving pages, submitting, withdrawing, nil
returns, partner confirmation, progress through the questionnaire, answers as people read them, its timeline.
"""
