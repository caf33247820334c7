"""People: signing in, passwords, invitations (one at a time or from a file), two-factor sign-in, single-use
tokens, and administrators looking after accounts.
"""
