"""Questionnaires as data: the definition schema, its loader and checks, the roles the service reads, and the
rules answers must follow (used by the page forms and by imports alike). Knows nothing of models or forms."""
