"""The business rules, by area. Services take and return models, know nothing of the request, flush and never
commit (the request, CLI command or worker pass commits once), and raise the domain errors of errors.py.

- submissions: the lead's side of a project (starting, saving pages, submitting, withdrawing,
  partners, progress)
- review: reviewers' queue, decisions, revision differences, duplicates and the daily digest
- find: the collaboration database (publishing records, search, its index, figures, downloads, overview)
- email: the outbox, the Emails page and deadline reminders
- people: accounts, invitations, two-factor sign-in and administering people
- organisations: the organisations list, its CSV files and administering organisations
- rounds: rounds and deadlines, progress through a round, questionnaire versions
- imports: earlier responses read from files and imported into rounds

Cross-cutting modules sit here: errors, audit (writing events), audit_log (reading them), paging, jobs (the
worker's periodic jobs), worker_status (its last pass, for /health), retention and backups.
"""
