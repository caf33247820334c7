"""Organisations: the lists that show them, CSV files of them and the seed list, and administrators looking
after them.
"""
