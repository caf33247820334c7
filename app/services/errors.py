"""Domain exceptions that views turn into GOV.UK error messages."""


class DomainError(Exception):
    """A rule refused an action; the message is written for the person who tried it."""


class NotAllowed(DomainError):
    pass


class InvalidTransition(DomainError):
    pass


class InvalidToken(DomainError):
    pass
