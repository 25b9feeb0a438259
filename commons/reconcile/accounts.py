"""Which statements of a bank file belong to the books' bank account: account numbers compared
as printed (IBANs in groups of four), and the account's currency."""

from __future__ import annotations

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.reconcile.statements import Statement

__all__ = ["account_number", "statements_of_account"]


def account_number(text: str) -> str:
    """An account number as compared: without spaces (IBANs are printed in fours), upper case."""
    return "".join(text.split()).upper()


def statements_of_account(statements: list[Statement], recorded: tuple[str, str] | None,
                          account: str, source: str, tail_currency: str | None
                          ) -> list[Statement]:
    """The file's statements of the books' account: those of another account are left out
    (a file of several accounts), and a file with none of it is refused; a statement in
    another currency than the account's is refused, naming the file and both currencies."""
    numbers = {account_number(s.bank_account) for s in statements if s.bank_account}
    if recorded is None and len(numbers) > 1:
        raise InvalidInput(f"{source} holds statements of {len(numbers)} accounts "
                           f"({', '.join(sorted(numbers))}), and no account number is "
                           f"recorded for {account}", file=source, field="account",
                           fix=f"record {account}'s account number first",
                           code=ErrorCode.INVALID_INPUT,
                           context={"kind": "bank_account", "account": account})
    if recorded is not None:
        number = account_number(recorded[0])
        mine = [s for s in statements if account_number(s.bank_account) in ("", number)]
        if not mine:
            raise RefusedByRule(f"{source} is a statement of another account: "
                                f"{', '.join(sorted(numbers))}, not {account} ({number})",
                                file=source, field="account",
                                fix="import it into the books' account of that number",
                                code=ErrorCode.OTHER_ACCOUNT)
        statements = mine
    currency = recorded[1] if recorded is not None else tail_currency
    for s in statements:
        if currency is not None and s.currency != currency:
            raise InvalidInput(f"{source}: statement {s.statement_id} is in {s.currency}, but "
                               f"{account} is kept in {currency}", file=source,
                               field="currency", fix=_currency_fix(account, s.currency, recorded),
                               code=ErrorCode.CURRENCY_MISMATCH)
    return statements


def _currency_fix(account: str, currency: str, recorded: tuple[str, str] | None) -> str:
    """Where the statement belongs; and, where the account's currency was recorded by hand
    (perhaps wrongly), how to record it again."""
    fix = f"import it into the books' account kept in {currency}"
    if recorded is None:
        return fix
    return (f"{fix}, or correct the recorded currency: commons reconcile account {account} "
            f"--number {recorded[0]} --currency {currency}")
