"""WTForms forms: fixed forms per area here, questionnaire pages built from their definitions."""
