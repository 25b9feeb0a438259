"""The optional extras (``commons.extras``): a missing library is refused by naming the extra
that installs it."""

from __future__ import annotations

import sys

import pytest

from commons.errors import ErrorCode
from commons.extras import EXTRAS, MissingExtra, require


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_a_missing_library_names_its_extra(extra: str, monkeypatch: pytest.MonkeyPatch) -> None:
    library, _ = EXTRAS[extra]
    monkeypatch.setitem(sys.modules, library, None)  # what `import` does when it is not there
    with pytest.raises(MissingExtra) as refused:
        require(extra)
    assert refused.value.code == ErrorCode.MISSING_EXTRA
    assert refused.value.fix is not None
    assert f"commons-ledger[{extra}]" in refused.value.fix


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_an_installed_extra_passes(extra: str) -> None:
    require(extra)  # the test environment installs [all]
