"""One exception hierarchy for the core, with messages meant for the user."""

from __future__ import annotations


class ArchiveError(Exception):
    """An error the user can act on: `message` is shown, `detail` helps to fix it."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message}\n{self.detail}" if self.detail else self.message


class InputError(ArchiveError):
    """Bad input (a file, a field, an argument): the whole operation was refused."""


class NotFoundError(ArchiveError):
    """A talk, series or person that the archive does not hold."""


class ArchiveBusyError(ArchiveError):
    """Another process holds the archive for writing."""


class ImportCancelledError(ArchiveError):
    """The user cancelled an import; its transaction was rolled back."""


class DatabaseUnavailableError(ArchiveError):
    """The shared archive's database server cannot be reached (down, wrong password, network
    gone); nothing was changed."""


class ArchiveReadOnlyError(ArchiveError):
    """The archive was opened read-only (its folder or database cannot be written)."""


class DamagedArchiveError(ArchiveError):
    """The archive's database file is damaged; `backup` is the newest intact backup, if any."""

    def __init__(self, message: str, detail: str = "", backup: object = None) -> None:
        super().__init__(message, detail)
        self.backup = backup
