"""Which reader a statement file needs, how its bytes become text without mangling them, and
reading the file and its CSV profile.

XML goes to the camt.053 reader (the XML declares its own encoding, UTF-16 among them). A CSV
is decoded as every importer's files are (``commons.files.decode_text``): the encoding given,
else UTF-16 where a byte-order mark says so, else UTF-8, else GB18030 (GBK); never read with
replacement characters.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path

from commons.errors import ErrorCode, InvalidInput, NotFound
from commons.files import decode_text, read_text
from commons.io.bank_csv import CsvProfile, read_csv_statement
from commons.io.bank_profiles import BUILTIN_PROFILES
from commons.io.camt053 import read_camt053
from commons.reconcile.statements import Statement

__all__ = ["is_xml", "read_profiles", "read_statement_bytes", "read_statements",
           "resolve_profiles"]


def is_xml(data: bytes) -> bool:
    """Whether the file is XML: it starts with ``<``, in UTF-8 (or an ASCII superset such as
    GB18030) or in UTF-16 with or without its byte-order mark. A UTF-16 text that starts with
    anything else (Bank of China's tab-separated web export) is no XML."""
    for mark, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark):
            return data[2:130].decode(codec, errors="ignore").lstrip().startswith("<")
    if data[:2] in (b"<\x00", b"\x00<"):
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def resolve_profiles(profile: CsvProfile | str | None) -> list[CsvProfile]:
    """The profiles to try: the one named or given, or every built-in one in turn."""
    if profile is None:
        return list(BUILTIN_PROFILES.values())
    if isinstance(profile, CsvProfile):
        return [profile]
    if profile not in BUILTIN_PROFILES:
        raise InvalidInput(f"there is no statement profile named {profile!r}", field="profile",
                           fix=f"use one of {', '.join(BUILTIN_PROFILES)}, or the path of a "
                           "TOML profile file")
    return [BUILTIN_PROFILES[profile]]


def read_statements(data: bytes, source: str, *,
                    profiles: Sequence[CsvProfile] | None = None,
                    encoding: str | None = None,
                    ignore_balances: bool = False) -> list[Statement]:
    """The statements in a file's bytes: camt.053 XML (one or more) or one CSV statement.
    ``ignore_balances`` leaves a CSV's balance column unread (redacted or untrustworthy)."""
    if not data.strip():
        raise InvalidInput("the statement file is empty", file=source, line=1,
                           fix="export the statement again", code=ErrorCode.MALFORMED_FILE)
    if is_xml(data):
        return read_camt053(data, source)
    chosen = list(profiles) if profiles else list(BUILTIN_PROFILES.values())
    # A profile's declared encoding counts where it is the only profile tried and the bytes do
    # not say their own; among all the built-in ones, detection (UTF-16 by its mark, UTF-8,
    # else GB18030) reads the Alipay list's GB18030 and BOC's UTF-16 too.
    declared = {p.encoding for p in chosen if p.encoding}
    if encoding is None and len(chosen) == 1 and declared and not _says_its_encoding(data):
        encoding = declared.pop()
    text = decode_text(data, source, encoding)
    return [read_csv_statement(text, source, chosen, ignore_balances=ignore_balances)]


def _says_its_encoding(data: bytes) -> bool:
    """Whether the bytes tell their encoding themselves: a byte-order mark, or text that is
    valid UTF-8 without a NUL (which GB18030 Chinese and UTF-16 almost never are). Such a file
    is read as it says, whatever its profile expects: an Alipay list re-saved from Excel as
    CSV UTF-8 is still an Alipay list."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def read_profiles(profile: str | None) -> list[CsvProfile]:
    """The CSV profiles to read a statement with: a built-in one by name, one from a TOML
    profile file, or (None) every built-in one in turn."""
    if profile is None or profile in BUILTIN_PROFILES:
        return resolve_profiles(profile)
    path = Path(profile)
    if path.suffix != ".toml":
        return resolve_profiles(profile)  # refuses the unknown name, listing the known ones
    if not path.is_file():
        raise NotFound(f"profile file {path} does not exist", file=str(path), field="profile",
                       fix="check the path of the TOML profile, or name a built-in profile")
    return [CsvProfile.from_toml(read_text(path), str(path))]


def read_statement_bytes(path: str | Path) -> bytes:
    """A statement file's bytes, as the formats decide how to decode them."""
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"file {p} does not exist or is not a file", file=str(p),
                       fix="check the path")
    try:
        return p.read_bytes()
    except OSError as e:
        raise InvalidInput(f"cannot read {p}: {e.strerror}", file=str(p),
                           fix="check the file's permissions",
                           code=ErrorCode.MALFORMED_FILE) from None
