"""Account labels: the Chinese (and short English) name people read beside an account's code.

One table serves every report that names accounts to people: the financial statements label
``income:parking:wjxc`` 停车收益, and the disclosure (公示) names its income sources and spending
purposes from the same entries. An account takes the label of the longest known prefix of its
name, so a compound's ``income:parking:wjxc`` and a rolled-up ``income:parking`` read alike; an
account under no known prefix has no label (an empty string), never a guessed one.
"""

from __future__ import annotations

from collections.abc import Mapping

from commons.errors import ErrorCode, InvalidInput

__all__ = ["LABELS", "LANGUAGES", "account_label", "check_language"]

LANGUAGES = ("zh", "en")

# Account name prefix -> (Chinese, English). The chart's accounts (CHART_TEMPLATE) and those the
# billing, reconciliation and parking areas open.
LABELS: Mapping[str, tuple[str, str]] = {
    "assets": ("资产", "assets"),
    "assets:bank": ("银行存款", "bank"),
    "assets:bank:co-managed": ("共管账户", "co-managed account"),
    "assets:bank:fees": ("物业费账户", "property-fee account"),
    "assets:wallet": ("电子钱包", "wallet"),
    "assets:receivable": ("应收款项", "receivable"),
    "assets:receivable:fees": ("应收物业费", "fees receivable"),
    "assets:receivable:subsidy": ("应收补贴", "subsidy receivable"),
    "assets:receivable:concession": ("应收企业让利", "concession receivable"),
    "liabilities": ("负债", "liabilities"),
    "liabilities:payable": ("应付款项", "payable"),
    "liabilities:payable:firm": ("应付物业企业", "payable to the firm"),
    "liabilities:payable:operator": ("应付运营方", "payable to the operator"),
    "liabilities:prepaid-fees": ("预收物业费", "fees paid in advance"),
    "liabilities:held-for-owners": ("代业主保管", "held for the owners"),
    "equity": ("业主共有资金及基金", "owners' fund"),
    "equity:owners-fund": ("业主共有资金", "owners' fund"),
    "equity:maintenance-fund": ("维修资金", "maintenance fund"),
    "equity:opening-balance": ("期初余额", "opening balance"),
    "income": ("收入", "income"),
    "income:parking": ("停车收益", "parking"),
    "income:advertising": ("广告收益", "advertising"),
    "income:rent": ("场地租赁", "rent"),
    "income:services": ("服务收益", "services"),
    "income:interest": ("利息收入", "interest"),
    "income:marketplace": ("社区服务分成", "community services share"),
    "income:firm": ("物业企业收入", "the firm's income"),
    "income:firm:property-fees": ("物业费", "property fees"),
    "expenses": ("支出", "expenses"),
    "expenses:cleaning": ("保洁", "cleaning"),
    "expenses:repairs": ("维修", "repairs"),
    "expenses:greening": ("绿化", "greening"),
    "expenses:security": ("秩序维护", "security"),
    "expenses:bank-charges": ("银行手续费", "bank charges"),
    "expenses:operator-commission": ("运营方佣金", "operator's commission"),
    "expenses:property-service": ("物业服务费", "property service"),
    "expenses:firm": ("物业企业支出", "the firm's expenses"),
    "expenses:firm:concession": ("企业让利", "the firm's concession"),
}


def check_language(lang: str) -> str:
    """``lang`` if labels are kept in it (zh or en); InvalidInput otherwise."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"language {lang!r} has no account labels", field="lang",
                           fix=f"use one of {', '.join(LANGUAGES)}",
                           code=ErrorCode.INVALID_INPUT)
    return lang


def account_label(name: str, lang: str = "zh") -> str:
    """The label of the longest known prefix of ``name`` in ``lang`` (zh or en), or ""."""
    index = LANGUAGES.index(check_language(lang))
    segments = name.split(":")
    for end in range(len(segments), 0, -1):
        found = LABELS.get(":".join(segments[:end]))
        if found is not None:
            return found[index]
    return ""
