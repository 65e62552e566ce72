"""`LoadError`: a document that cannot be read or understood, named with file, line and reason."""

from __future__ import annotations


class LoadError(Exception):
    """Bad input for the loader; the message says what was expected, what was found and where."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
