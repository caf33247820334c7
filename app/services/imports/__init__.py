"""Reading earlier responses: files (CSV or XLSX, SurveyMonkey's two header rows or a plain spreadsheet), the
mapping that says which column answers which question, and turning one row into a project's answers.

files, mapping, rows, values and binding are pure: nothing there touches the database. responses.py checks and
imports whole files with them, and batches.py runs that for the Imports page and the worker.
"""
