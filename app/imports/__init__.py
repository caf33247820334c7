"""Reading earlier responses: files (CSV or XLSX, SurveyMonkey's two header rows or a plain spreadsheet), the
mapping that says which column answers which question, and turning one row into a project's answers.

Pure: nothing here touches the database; app/services/imports.py checks and imports whole files with it.
"""
