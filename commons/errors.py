"""One error root for everything commons refuses, in hledger's manner.

Every message says what failed, on which object, why, and how to fix it. Input errors also carry
where the bad value came from (file, line, field) so a user can go straight to it. Every error has
a stable ``code`` (an ``ErrorCode``) that hosts and tests match on, never the wording, which may
change. The CLI prints the code and ``str(error)`` and exits 1; nothing here ever needs a
traceback to be understood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

__all__ = [
    "CommonsError",
    "ConflictError",
    "CurrencyMismatch",
    "ErrorCode",
    "HandleError",
    "InvalidInput",
    "NotFound",
    "Problems",
    "RefusedByRule",
    "Where",
    "did_you_mean",
    "nearest",
]


class ErrorCode(StrEnum):
    """What kind of failure an error is, as a stable snake_case string hosts can match on.

    The values never change once released; a new kind of failure gets a new member. Each error
    class has a default code, and raise sites name a finer one where the class is too coarse.
    """

    INVALID_INPUT = "invalid_input"  # a malformed value with no finer code below
    INVALID_AMOUNT = "invalid_amount"  # an amount of money, a weight or a percentage
    INVALID_DATE = "invalid_date"  # a date, an instant, a month or a quarter
    MALFORMED_FILE = "malformed_file"  # a file that cannot be read as its format at all
    CURRENCY_MISMATCH = "currency_mismatch"  # two amounts in different currencies combined
    OTHER_ACCOUNT = "other_account"  # a bank statement of another account than the books' one
    UNSUPPORTED_CURRENCY = "unsupported_currency"  # a currency not in the books' currency table
    UNBALANCED = "unbalanced"  # an entry whose postings do not sum to zero
    NOT_FOUND = "not_found"  # a named object does not exist
    UNKNOWN_ACCOUNT = "unknown_account"  # an account that is not open
    ACCOUNT_CLOSED = "account_closed"  # an open account posted outside its open dates
    CONFLICT = "conflict"  # a record already exists in a way that excludes this one
    ALREADY_RECORDED_DIFFERENTLY = "already_recorded_differently"  # same id, other content
    REFUSED = "refused"  # a well-formed request the rules forbid, with no finer code below
    CLOSED_PERIOD = "closed_period"  # a date in a closed period, or a period already billed
    NOT_AUTHORISED = "not_authorised"  # spending or a vote without the authority it needs
    INSUFFICIENT_FUNDS = "insufficient_funds"  # spending above the free balance
    ALREADY_DONE = "already_done"  # a one-time step done before (reversed, approved, paid)
    READ_ONLY = "read_only"  # a write on books opened read-only
    STORAGE = "storage"  # the database file or a worker process, not the request, is at fault
    BUSY = "busy"  # another process held the database too long; the same call may succeed later
    MISSING_EXTRA = "missing_extra"  # an optional part used whose library is not installed
    UNSAFE_OUTPUT = "unsafe_output"  # a file to write that is the database or one of its files
    OUTPUT_EXISTS = "output_exists"  # a file to write exists already and replacing was not asked
    WRITE_FAILED = "write_failed"  # a file could not be written (a full disk); none was left
    HANDLE_CLOSED = "handle_closed"  # a ``Books`` handle used after ``close()``
    WRONG_THREAD = "wrong_thread"  # a ``Books`` handle used from a thread other than its own
    ACCOUNT_IN_USE = "account_in_use"  # an account re-dated after postings named it
    SEVERAL = "several"  # a ``Problems`` whose members do not share one code
    STATEMENT_UNBALANCED = "statement_unbalanced"  # a balance sheet whose sides differ
    HEAD_NOT_ON_CHAIN = "head_not_on_chain"  # a recorded chain head no entry of the journal has
    ILLEGAL_MOVE = "illegal_move"  # an order event its order's current state does not allow
    BLACKLISTED = "blacklisted"  # a provider on the blacklist listing, taking orders or paid
    ABOVE_CEILING = "above_ceiling"  # a low-cost (低偿) service priced above its ceiling


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
    ``line`` and ``field`` say where a bad input value was found, when known. ``code`` is the
    stable kind of failure; without one, the class's ``default_code``. ``context`` names the
    objects involved as plain strings (e.g. ``{"account": "assets:bank:wjxc"}``), so a host can
    act on the failure, or phrase its own advice, without reading the message.
    """

    default_code = ErrorCode.REFUSED

    def __init__(
        self,
        what: str,
        *,
        fix: str | None = None,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        code: ErrorCode | None = None,
        context: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.context = dict(context or {})
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

    default_code = ErrorCode.INVALID_INPUT


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""

    default_code = ErrorCode.CURRENCY_MISMATCH


class NotFound(CommonsError):
    """A named object (account, compound, entry, file) does not exist."""

    default_code = ErrorCode.NOT_FOUND


class ConflictError(CommonsError):
    """An external id was seen before with different content, or a record already exists."""

    default_code = ErrorCode.CONFLICT


class RefusedByRule(CommonsError):
    """A well-formed request that the rules forbid: a closed period, unauthorised spending."""

    default_code = ErrorCode.REFUSED


class HandleError(CommonsError):
    """A ``Books`` handle used where it cannot be: after ``close()``, or from a thread other
    than the one that opened its database (a handle belongs to one thread; open one per
    thread, they share the file safely)."""

    default_code = ErrorCode.HANDLE_CLOSED


class Problems(CommonsError):
    """Several problems found in one pass (a whole file or ledger check), reported together.

    Its ``code`` is the one its members share, or ``ErrorCode.SEVERAL`` when they differ;
    ``codes`` lists each member's.
    """

    default_code = ErrorCode.SEVERAL

    def __init__(self, what: str, problems: Sequence[CommonsError], *, fix: str | None = None):
        assert problems, "Problems needs at least one problem"
        self.problems = tuple(problems)
        shared = {p.code for p in self.problems}
        super().__init__(what, fix=fix, code=shared.pop() if len(shared) == 1 else None)

    @property
    def codes(self) -> tuple[ErrorCode, ...]:
        """Each member's code, in the members' order."""
        return tuple(p.code for p in self.problems)

    def __str__(self) -> str:
        lines = [self.what]
        lines.extend(f"  {p}".replace("\n", "\n  ") for p in self.problems)
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


def nearest(name: str, known: Iterable[str], *, cutoff: float = 0.6) -> tuple[list[str], str]:
    """Up to three of ``known`` closest to a refused ``name`` (difflib's ratio of at least
    ``cutoff``), and their ``did_you_mean``."""
    import difflib  # noqa: PLC0415 - loaded only when a name is refused

    near = difflib.get_close_matches(name, list(known), n=3, cutoff=cutoff)
    return near, did_you_mean(near)


def did_you_mean(names: Sequence[str], *, quote: bool = False) -> str:
    """The "did you mean a or b? " that starts a fix with ``names`` ("" when there are none);
    ``quote`` puts each in quotes."""
    shown = [repr(n) if quote else n for n in names]
    return f"did you mean {' or '.join(shown)}? " if shown else ""
