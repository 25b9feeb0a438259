"""The matters owners decide together (Civil Code art. 278) and the share of yes each needs.

Art. 278 lists nine items. Items 6 to 8 (raising maintenance funds, rebuilding or renovating,
changing common parts' use or using them for business) need *at least* 3/4 of the participating
area and of the participating owners; every other item needs *more than* half of both. Whether a
resolution may be voted on at all is the same for every matter: owners holding at least 2/3 of the
exclusive area and at least 2/3 of the owners must take part (``PARTICIPATION``).

An elevator retrofit (既有住宅加装电梯) is a renovation (改建, item 7): it needs 3/4, it is decided
within its building, and every owner of a flat the works touch must consent (in Leshan
Shizhong "一人反对、全盘搁置": one objection stalls it all; this rule names that failure instead of
leaving it to a stall).
"""

from __future__ import annotations

import enum
from fractions import Fraction

import attrs

from commons.errors import InvalidInput

__all__ = ["PARTICIPATION", "SPECIAL", "Matter", "Rule"]

# At least this share of the exclusive area and of the owners must take part, for every matter.
PARTICIPATION = Fraction(2, 3)
# Items 6-8 of art. 278 need at least this share of the participants; the rest more than half.
SPECIAL = Fraction(3, 4)
_MAJORITY = Fraction(1, 2)


@attrs.frozen
class Rule:
    """What a matter needs: its Chinese label, the art. 278 item, and its yes threshold.

    ``at_least`` True means the yes share must reach ``threshold`` (3/4 passes at exactly 3/4);
    False means it must exceed it (exactly 1/2 fails).
    """

    label_zh: str
    item: int
    threshold: Fraction
    at_least: bool
    building_only: bool = False

    @property
    def threshold_text(self) -> str:
        """The threshold in words: ``at least 3/4`` or ``more than 1/2``."""
        return f"{'at least' if self.at_least else 'more than'} {self.threshold}"


class Matter(enum.StrEnum):
    """A matter for the owners, by its code name; ``rule`` says what it needs to pass."""

    RULES = "rules"
    COVENANT = "covenant"
    ELECT_COMMITTEE = "elect-committee"
    HIRE_FIRM = "hire-firm"
    DISMISS_FIRM = "dismiss-firm"
    USE_MAINTENANCE_FUND = "use-maintenance-fund"
    RAISE_MAINTENANCE_FUND = "raise-maintenance-fund"
    REBUILD = "rebuild"
    CHANGE_COMMON_USE = "change-common-use"
    USE_PUBLIC_REVENUE = "use-public-revenue"
    ELEVATOR_RETROFIT = "elevator-retrofit"
    OTHER = "other"

    @property
    def rule(self) -> Rule:
        """The rule the matter is decided by."""
        return _RULES[self]

    @property
    def label_zh(self) -> str:
        """The matter as art. 278 words it."""
        return self.rule.label_zh

    @property
    def threshold(self) -> Fraction:
        """The share of yes the matter needs, of the participating area and owners."""
        return self.rule.threshold

    @property
    def at_least(self) -> bool:
        """Whether reaching the threshold exactly passes (3/4 matters) or more is needed (1/2)."""
        return self.rule.at_least

    @property
    def special(self) -> bool:
        """One of art. 278's items 6-8, needing 3/4 rather than a majority."""
        return self.rule.threshold == SPECIAL

    @property
    def building_only(self) -> bool:
        """Decided within one building, never by a whole compound."""
        return self.rule.building_only

    @classmethod
    def parse(cls, text: str) -> Matter:
        """A matter by its code name (``elevator-retrofit``, ``hire-firm`` ...)."""
        try:
            return cls(text.strip())
        except ValueError:
            codes = ", ".join(m.value for m in cls)
            raise InvalidInput(f"matter {text!r} is not one of the owners' matters",
                               field="matter", fix=f"use one of {codes}") from None


def _special(label: str, item: int, *, building_only: bool = False) -> Rule:
    return Rule(label, item, SPECIAL, at_least=True, building_only=building_only)


def _ordinary(label: str, item: int) -> Rule:
    return Rule(label, item, _MAJORITY, at_least=False)


_RULES: dict[Matter, Rule] = {
    Matter.RULES: _ordinary("制定和修改业主大会议事规则", 1),
    Matter.COVENANT: _ordinary("制定和修改管理规约", 2),
    Matter.ELECT_COMMITTEE: _ordinary("选举业主委员会或者更换业主委员会成员", 3),
    Matter.HIRE_FIRM: _ordinary("选聘物业服务企业或者其他管理人", 4),
    Matter.DISMISS_FIRM: _ordinary("解聘物业服务企业或者其他管理人", 4),
    Matter.USE_MAINTENANCE_FUND: _ordinary("使用建筑物及其附属设施的维修资金", 5),
    Matter.RAISE_MAINTENANCE_FUND: _special("筹集建筑物及其附属设施的维修资金", 6),
    Matter.REBUILD: _special("改建、重建建筑物及其附属设施", 7),
    Matter.CHANGE_COMMON_USE: _special("改变共有部分的用途或者利用共有部分从事经营活动", 8),
    # Spending public revenue is one of item 9's "other major matters" over common rights.
    Matter.USE_PUBLIC_REVENUE: _ordinary("使用公共收益", 9),
    Matter.ELEVATOR_RETROFIT: _special("既有住宅加装电梯", 7, building_only=True),
    Matter.OTHER: _ordinary("有关共有和共同管理权利的其他重大事项", 9),
}
