"""Help for the people who use the service: feedback and requests for help, kept and sent to support."""
