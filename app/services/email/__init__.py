"""Email: the transactional outbox, reading it for the Emails page, and deadline reminders."""
