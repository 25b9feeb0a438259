"""One error root for everything commons refuses, in hledger's manner.

Every message says what failed, on which object, why, and how to fix it. Input errors also carry
where the bad value came from (file, line, field) so a user can go straight to it. The CLI prints
``str(error)`` and exits 1; nothing here ever needs a traceback to be understood.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CommonsError",
    "ConflictError",
    "CurrencyMismatch",
    "HandleError",
    "InvalidInput",
    "NotFound",
    "Problems",
    "RefusedByRule",
    "Where",
    "problems_of",
]


class Where:
    """The place a bad value came from: file, 1-based line and field, each optional."""

    __slots__ = ("field", "file", "line")

    def __reduce__(self) -> tuple[object, ...]:
        return (Where, (self.file, self.line, self.field))

    def __init__(self, file: str | None = None, line: int | None = None, field: str | None = None):
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        if self.field is not None:
            place = f"{place}: field '{self.field}'" if place else f"field '{self.field}'"
        return place

    def __repr__(self) -> str:
        return f"Where(file={self.file!r}, line={self.line!r}, field={self.field!r})"


class CommonsError(Exception):
    """Root of every error commons raises on purpose.

    ``what`` names the failure and the object, ``fix`` tells the user what to do. ``file``,
    ``line`` and ``field`` say where a bad input value was found, when known.
    """

    def __init__(
        self,
        what: str,
        *,
        fix: str | None = None,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.what = what
        self.fix = fix
        self.where = Where(file, line, field)
        super().__init__(str(self))

    @property
    def file(self) -> str | None:
        """The file the error is in, if known."""
        return self.where.file

    @property
    def line(self) -> int | None:
        """The line of the file, if known."""
        return self.where.line

    @property
    def field(self) -> str | None:
        """The field, column or key, if known."""
        return self.where.field

    def located(
        self, *, file: str | None = None, line: int | None = None, field: str | None = None
    ) -> CommonsError:
        """Fill in the place this error came from, keeping what is already known.

        Parsers deep down know the field; the reader above knows the file and line. Each adds
        what it knows as the error passes up.
        """
        self.where = Where(
            self.where.file or file,
            self.where.line if self.where.line is not None else line,
            self.where.field or field,
        )
        self.args = (str(self),)
        return self

    def __str__(self) -> str:
        place = str(self.where)
        head = f"{place}: {self.what}" if place else self.what
        return f"{head}\n  fix: {self.fix}" if self.fix else head

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (a parsing worker reports refused lines), whole.
        return (_restore, (type(self), self.__dict__))


def _restore(cls: type[CommonsError], state: dict[str, object]) -> CommonsError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (str(error),)
    return error


class InvalidInput(CommonsError):
    """A value given to commons is malformed: a bad amount, date, header, weight or file."""


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""


class NotFound(CommonsError):
    """A named object (account, compound, entry, file) does not exist."""


class ConflictError(CommonsError):
    """An external id was seen before with different content, or a record already exists."""


class RefusedByRule(CommonsError):
    """A well-formed request that the rules forbid: a closed period, unauthorised spending."""


class HandleError(CommonsError):
    """A ``Books`` handle used where it cannot be: after ``close()``, or from a thread other
    than the one that opened its database (a handle belongs to one thread; open one per
    thread, they share the file safely)."""


class Problems(CommonsError):
    """Several problems found in one pass (a whole file or ledger check), reported together."""

    def __init__(self, what: str, problems: Sequence[CommonsError], *, fix: str | None = None):
        assert problems, "Problems needs at least one problem"
        self.problems = tuple(problems)
        super().__init__(what, fix=fix)

    def __str__(self) -> str:
        lines = [self.what]
        lines.extend(f"  {p}".replace("\n", "\n  ") for p in self.problems)
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


class _InvalidInputProblems(Problems, InvalidInput):
    """Problems that are all InvalidInput: ``except InvalidInput`` catches them too."""


class _NotFoundProblems(Problems, NotFound):
    """Problems that are all NotFound: ``except NotFound`` catches them too."""


class _ConflictProblems(Problems, ConflictError):
    """Problems that are all ConflictError: ``except ConflictError`` catches them too."""


class _RefusedProblems(Problems, RefusedByRule):
    """Problems that are all RefusedByRule: ``except RefusedByRule`` catches them too."""


_SHARED: dict[type[CommonsError], type[Problems]] = {
    InvalidInput: _InvalidInputProblems, NotFound: _NotFoundProblems,
    ConflictError: _ConflictProblems, RefusedByRule: _RefusedProblems}


def problems_of(what: str, problems: Sequence[CommonsError], *, fix: str | None = None
                ) -> Problems:
    """``Problems`` that is also an instance of the class all of ``problems`` share (one of
    InvalidInput, NotFound, ConflictError, RefusedByRule), so a host's ``except NotFound``
    fires when every refusal was a NotFound, and ``except Problems`` still catches it."""
    first = type(problems[0]) if problems else CommonsError
    shared = next((c for c in first.__mro__ if c in _SHARED
                   and all(isinstance(p, c) for p in problems)), None)
    return (_SHARED[shared] if shared is not None else Problems)(what, problems, fix=fix)
