"""`UserError`: a request or input the user can fix, said so that they can (no Flask here)."""

from __future__ import annotations


class UserError(Exception):
    """A request or input the user can fix; the message says what was expected and what was found."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
