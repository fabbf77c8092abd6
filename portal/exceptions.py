class DomainError(Exception):
    """A business rule said no. The message is translated and safe to show the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
