"""The built-in statement profiles: the layouts of the detail exports (明细) of the big Chinese
banks' online banking (``-web`` where a bank's web export differs from its other one) and phone
apps (``-app``, where the app's export differs), the WeChat Pay
bill and the Alipay transaction list, and three generic ones. Each is written in the same TOML
a user's own profile file uses, so a user can copy one and change it. Without ``--profile`` the
one whose columns a file's header names is used; where the header names those of several, the
most specific one (requiring the most columns), so an app's layout that adds a column to its
bank's web layout is never read as the web one. docs/formats.md names the public description
each layout was checked against.
"""

from __future__ import annotations

from commons.io.bank_csv import CsvProfile

__all__ = ["BUILTIN_PROFILES"]

_BANK = """skip_zero = true
trailer = "^(合计|人民币合计|外币合计|本页合计|总计|共\\\\s*[0-9]+\\\\s*笔)"
blank_ends = true
ragged = true
"""

_TOML = {
    "icbc": """date = "交易日期"
memo = "摘要"
credit = "记账金额(收入)"
debit = "记账金额(支出)"
currency_column = "记账币种"
balance = "余额"
counterparty = "对方户名"
counterparty_account = "对方账户"
payment_reference = "交易详情"
optional = ["对方户名", "对方账户", "交易详情"]
""" + _BANK,
    "icbc-app": """date = "交易日期"
amount = "收入/支出金额"
balance = "余额"
currency_column = "币种"
memo = "摘要"
counterparty = "对方户名"
counterparty_account = "对方帐号"
""" + _BANK,
    "abc-app": """date = "交易日期"
amount = "交易金额"
balance = "本次余额"
counterparty = "对手信息"
memo = "交易摘要"
payment_reference = "交易附言"
""" + _BANK,
    "abc": """date = "交易日期"
amount = "交易金额"
balance = "本次余额"
counterparty = "对方户名"
counterparty_account = "对方账号"
payment_reference = "交易用途"
memo = "交易摘要"
""" + _BANK,
    "boc": """date = "记账日期"
currency_column = "币别"
amount = "金额"
balance = "余额"
memo = "交易名称"
payment_reference = "附言"
counterparty = "对方账户名"
counterparty_account = "对方卡号/账号"
""" + _BANK,
    "boc-web": """date = "交易日期"
credit = "收入金额"
debit = "支出金额"
balance = "余额"
counterparty = "对方账户名称"
memo = "附言"
payment_reference = "附言"
optional = ["附言"]
delimiter = "\\t"
encoding = "utf-16"
""" + _BANK,
    "ccb-app": """date = "交易日期"
amount = "交易金额"
balance = "账户余额"
currency_column = "币别"
memo = "摘要"
payment_reference = "交易地点/附言"
counterparty = "对方账号与户名"
""" + _BANK,
    "ccb": """date = "交易日期"
debit = "支出"
credit = "收入"
balance = "账户余额"
currency_column = "币种"
memo = "摘要"
counterparty_account = "对方账号"
counterparty = "对方户名"
""" + _BANK,
    "bocom-app": """date = "交易日期"
direction = "借贷"
amount = "交易金额"
balance = "余额"
counterparty_account = "对方账号"
counterparty = "对方户名"
memo = "交易类型"
payment_reference = "摘要"
""" + _BANK + """[directions]
"借 Dr" = "out"
"贷 Cr" = "in"
"借" = "out"
"贷" = "in"
""",
    "bocom": """date = "交易日期"
direction = "借贷状态"
amount = "交易金额"
balance = "余额"
counterparty_account = "对方账号"
counterparty = "对方户名"
memo = "摘要"
""" + _BANK + """[directions]
"借" = "out"
"贷" = "in"
"借 Dr" = "out"
"贷 Cr" = "in"
""",
    "cmb-app": """date = "记账日期"
currency_column = "货币"
amount = "交易金额"
balance = "联机余额"
memo = "交易摘要"
counterparty = "对手信息"
payment_reference = "客户摘要"
""" + _BANK,
    "cmb": """date = "记账日期"
currency_column = "货币"
amount = "交易金额"
balance = "联机余额"
memo = "交易摘要"
counterparty = "对手信息"
""" + _BANK,
    "wechat": """date = "交易时间"
memo = "商品"
counterparty = "交易对方"
direction = "收/支"
amount = "金额(元)"
status = "当前状态"
reference = "交易单号"
payment_reference = "商户单号"
ragged = true
blank_ends = true
[directions]
"收入" = "in"
"支出" = "out"
"/" = "skip"
""",
    "alipay": """date = "交易时间"
counterparty = "交易对方"
counterparty_account = "对方账号"
memo = "商品说明"
direction = "收/支"
amount = "金额"
status = "交易状态"
reference = "交易订单号"
payment_reference = "商家订单号"
encoding = "gb18030"
skip_status = ["交易关闭", "退款成功"]
trailer = "^(-{5,}|共[0-9]+笔记录)"
blank_ends = true
ragged = true
[directions]
"收入" = "in"
"支出" = "out"
"不计收支" = "skip"
""",
}

_GENERIC_OPTIONAL = ("balance", "reference", "payment_reference", "counterparty", "memo",
                     "value_date")
BUILTIN_PROFILES: dict[str, CsvProfile] = {
    **{name: CsvProfile.from_toml(f'name = "{name}"\n{text}', f"built-in profile {name}")
       for name, text in _TOML.items()},
    "cn-bank": CsvProfile("cn-bank", date="交易日期", credit="收入金额", debit="支出金额",
                          balance="余额", counterparty="对方户名", memo="摘要",
                          reference="交易流水号", payment_reference="备注",
                          optional=("对方户名", "摘要", "交易流水号", "备注")),
    "generic-debit-credit": CsvProfile(
        "generic-debit-credit", date="date", credit="credit", debit="debit", balance="balance",
        reference="reference", payment_reference="payment_reference",
        counterparty="counterparty", memo="memo", value_date="value_date",
        optional=_GENERIC_OPTIONAL),
    "generic": CsvProfile(
        "generic", date="date", amount="amount", balance="balance", reference="reference",
        payment_reference="payment_reference", counterparty="counterparty", memo="memo",
        value_date="value_date", optional=_GENERIC_OPTIONAL),
}
