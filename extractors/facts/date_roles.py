"""What a date is for: issued, effective, expires, window_start / window_end, deadline or other.

`date_role` reads the words around one date; `with_ranges` then turns two dates joined as a
range into a window (an application, declaration, comment or eligibility period), a validity
period (effective and expires) or two `other` dates (a holiday, an event).
"""
from __future__ import annotations

from dataclasses import replace

import regex

from extractors.cues import clause_start, sentence_start
from schemas.records import Fact

# Patterns read width-folded text: ，；：（） are matched as ,;:().
SP = r"[ \t]*"
CN_NUM = "0-9一二三四五六七八九十百千零〇"
# Between the two dates of a range: a clock time (2026-03-10 00:00至…), (含) or a weekday
# in brackets (1月28日（农历除夕、周二）至2月4日), then the joiner (至, 起至, —, /); ISO dates
# may run together.
CLOCK_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
WEEKDAY = r"\([^()\n]{1,15}\)"
RANGE_JOINER = regex.compile(
    rf"^(?:{SP}(?:{CLOCK_TIME}|{WEEKDAY}))*{SP}(?P<joiner>(?:起{SP})?(?:至|到)|—+|–|-|~|/)?{SP}$"
)

EXPIRES_BEFORE = regex.compile(r"(?:有效期至|有效期到|(?<!截)至|到期日为|到期)[ \t]*$")
# A clock time or a weekday may follow the date: 2019年10月25日18:00前, 2025年12月31日24时止,
# 于11月29日(星期一)前.
CLOCK = rf"(?:[ \t]*(?:{CLOCK_TIME}|\d{{1,2}}[ \t]*[时点](?:\d{{1,2}}分)?|{WEEKDAY}))*"
EXPIRES_AFTER = regex.compile(rf"^{CLOCK}[ \t]*(?:\(含\))?[ \t]*(?:结束|止|失效|废止|到期)")
DEADLINE_AFTER = regex.compile(rf"^{CLOCK}[ \t]*(?:底|末)?[ \t]*(?:之前|以前|前)")
# 2018年12月31日之前已完成转制的企业: a cut-off that qualifies who is eligible, not a task's deadline.
CUTOFF_AFTER = regex.compile(
    r"^[ \t]*(?:之前|以前|前)[ \t]*(?:已|已经|[^,。;\n]{0,20}?的(?:企业|单位|项目|机构|产品|个人|纳税人))"
)
DEADLINE_BEFORE = regex.compile(r"(?:截止日期|截止时间|截至|截止)[ \t]*(?:为|是)?[ \t]*[:：]?[ \t]*$")
# 自2025年5月1日起施行, 于…施行, and 自2025年6月1日起按新标准计算执行 (a few words between).
EFFECTIVE_AFTER = regex.compile(r"^[ \t]*(?:起[^,。;\n]{0,8}?)?(?:施行|实施|执行|生效)")
EFFECTIVE_BEFORE = regex.compile(r"(?:自|从|于)[ \t]*$")
# 自2019年1月1日起可继续免征五年: the first day of a support period.
SUPPORT_FROM_AFTER = regex.compile(r"^[ \t]*起[^,。;\n]{0,12}?(?:免征|减征|免收|减免|享受|补贴|给予|支持|奖励|资助)")
EFFECTIVE_LABEL = regex.compile(r"(?:施行日期|实施日期|生效日期)[ \t]*[:：]?[ \t]*$")
# The 版记 line under the text: 广州市天河区科技工业和信息化局办公室⏎2023年8月9日印发.
PRINTED_AFTER = regex.compile(r"^[ \t]*印发[ \t]*$", regex.MULTILINE)
ISSUED_BEFORE = regex.compile(r"(?:发布日期|印发日期|成文日期|发文日期|公布日期)[ \t]*[:：]?[ \t]*$")
# A clause's words up to the next date: what follows one date never describes the next.
TO_NEXT_DATE = r"(?:(?!\d{4}[ \t]*年)[^\n,。;])"
# A law's promulgation line: 2021年8月26日 国家市场监督管理总局令第47号公布 (never 公布的《…》,
# the date of a repealed 令).
PROMULGATED_AFTER = regex.compile(rf"^(?:(?![《》]){TO_NEXT_DATE}){{0,40}}?令{SP}第{SP}[{CN_NUM}]+{SP}号{SP}(?:公布|发布)(?!的)")
# A promulgation line without a 令 number: 1999年8月1日 国家发展计划委员会发布.
PUBLISHED_LINE_AFTER = regex.compile(rf"^(?:(?![《》]){TO_NEXT_DATE}){{0,40}}?(?:公布|发布){SP}$", regex.MULTILINE)
# The 会议通过 that opens an NPC law's history, at the start of its line or bracket.
ADOPTED_AFTER = regex.compile(rf"^(?:(?![《》]){TO_NEXT_DATE}){{0,40}}?会议{SP}通过(?!的)")
# Amendment history: 根据…《…决定》第一次修正, …令第743号第三次修订, 2005年10月27日…会议修订.
AMENDED_AFTER = regex.compile(
    rf"^{TO_NEXT_DATE}{{0,80}}?(?:决定》|会议|令{SP}第{SP}[{CN_NUM}]+{SP}号){SP}"
    r"(?:第[一二三四五六七八九十]+次)?(?:修订|修正)(?!的|后)"
)
AMENDED_BEFORE = regex.compile(r"根据[ \t]*$")
# A law header's effective line: 2022年7月1日 施行 on its own line, or run together with the
# promulgation line before it (…令第47号公布2021年10月1日施行).
EFFECTIVE_LINE = regex.compile(rf"^{SP}起?{SP}(?:施行|实施|生效){SP}(?:$|\))", regex.MULTILINE)
PROMULGATED_BEFORE = regex.compile(rf"号{SP}(?:公布|发布){SP}$")

# Words that make a range an application, declaration, comment or eligibility period.
WINDOW_CUES = regex.compile(
    r"申报|申请|报名|征求|征集|反馈|受理|提交|报送|公示|评审|认定|兑现|遴选|推荐|评选|"
    r"截止|办理时间|窗口|对于|期间[^,。;\n]{0,12}(?:企业|单位|项目|机构|产品)"
)
VALIDITY_CUES = regex.compile(r"有效期|执行期|实施期|试行期|施行期")
# 自2025年1月1日起至2027年12月31日止施行: a range the text puts in force.
VALIDITY_AFTER = regex.compile(rf"{SP}(?:\(含\))?{SP}止?{SP}(?:施行|实施|执行|有效)")
NOT_WINDOW_CUES = regex.compile(r"放假|调休|上班|休息|假期")
CLAUSE_BREAK = regex.compile(r"[,。;\n]")
HEADING_CHARS = 20


def date_role(folded: str, start: int, end: int) -> str:
    """Role from the words around one date; ranges are set afterwards by `with_ranges`."""
    before = folded[clause_start(folded, start, limit=30):start]
    after = folded[end:end + 60]
    line_start = folded.rfind("\n", 0, start) + 1
    # A label ends in a colon, which ends a clause: 发布日期：2025年4月30日 is read on its line.
    label = folded[max(line_start, start - 30):start]
    opens_line = not folded[line_start:start].strip("( \t")
    if AMENDED_BEFORE.search(before) or (AMENDED_AFTER.match(after) and not PROMULGATED_AFTER.match(after)):
        return "other"
    if (_alone_on_line(folded, start, end) or ISSUED_BEFORE.search(label) or PROMULGATED_AFTER.match(after)
            or PRINTED_AFTER.match(after)
            or (opens_line and (ADOPTED_AFTER.match(after) or PUBLISHED_LINE_AFTER.match(after)))):
        return "issued"
    if EXPIRES_AFTER.match(after) or EXPIRES_BEFORE.search(before):
        # 申报时间：即日起至2025年6月30日 closes an application window; 有效期至 stays expires.
        if WINDOW_CUES.search(label) and not VALIDITY_CUES.search(label):
            return "window_end"
        return "expires"
    if CUTOFF_AFTER.match(after):
        return "other"
    if DEADLINE_AFTER.match(after) or DEADLINE_BEFORE.search(label):
        return "deadline"
    if SUPPORT_FROM_AFTER.match(after) and EFFECTIVE_BEFORE.search(before):
        return "window_start"
    if EFFECTIVE_LABEL.search(label) or (
            (opens_line or PROMULGATED_BEFORE.search(folded[line_start:start])) and EFFECTIVE_LINE.match(after)):
        return "effective"
    if EFFECTIVE_AFTER.match(after) and (after.lstrip().startswith("起") or EFFECTIVE_BEFORE.search(before)):
        return "effective"
    return "other"


def _alone_on_line(folded: str, start: int, end: int) -> bool:
    """A date line after a signature, or in brackets under a title ((2023年2月8日)): the date
    is all its line holds."""
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    head, tail = folded[line_start:start].strip(), folded[end:line_end].strip()
    return (not head and not tail) or (head == "(" and tail == ")")


def with_ranges(folded: str, facts: list[Fact]) -> list[Fact]:
    """Two dates joined as a range (2024年12月1日(含)—2025年4月1日(含), 2026-03-102026-03-16,
    2024-03-01/2024-03-22, 3月1日—3月22日) take the roles the range's context gives them."""
    out = list(facts)
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        if _is_range(folded, a, b):
            first, second = _range_roles(folded, a.char_start, b.char_end)
            out[i], out[i + 1] = replace(a, role=first), replace(b, role=second)
            i += 2
        else:
            i += 1
    return out


def _is_range(folded: str, a: Fact, b: Fact) -> bool:
    if len(a.value_text) < 10 or len(b.value_text) < 10 or a.value_text > b.value_text:
        return False
    m = RANGE_JOINER.match(folded[a.char_end:b.char_start])
    if not m:
        return False
    # Only ISO dates run together with nothing but a clock time between them.
    return bool(m.group("joiner")) or (a.text[:1].isdigit() and "年" not in a.text and "年" not in b.text)


def _range_roles(folded: str, start: int, end: int) -> tuple[str, str]:
    """Cues before the range decide first (受理时间：…至…（春节假期除外） is a window), then
    cues after it (2月4日至10日放假调休 is a holiday)."""
    before, after = _range_context(folded, start, end)
    if NOT_WINDOW_CUES.search(before):
        return "other", "other"
    if VALIDITY_CUES.search(folded[clause_start(folded, start, limit=30):start]) or VALIDITY_AFTER.match(
            folded, end):
        return "effective", "expires"
    if WINDOW_CUES.search(before) or (WINDOW_CUES.search(after) and not NOT_WINDOW_CUES.search(after)):
        return "window_start", "window_end"
    return "other", "other"


def _range_context(folded: str, start: int, end: int) -> tuple[str, str]:
    """The range's sentence before it, with a heading line just above it (九、申报时间⏎
    2026年6月4日至2026年6月23日), and the rest of its clause and the clause after it."""
    begin = sentence_start(folded, start)
    stop = end
    for _ in range(2):
        nxt = CLAUSE_BREAK.search(folded, stop)
        if not nxt or nxt.group() == "\n":
            stop = nxt.start() if nxt else len(folded)
            break
        stop = nxt.end()
    before = folded[begin:start]
    if begin > 0 and folded[begin - 1] == "\n":
        heading_start = folded.rfind("\n", 0, begin - 1) + 1
        heading = folded[heading_start:begin - 1]
        if len(heading.strip()) <= HEADING_CHARS and not CLAUSE_BREAK.search(heading):
            before = heading + "\n" + before
    return before, folded[end:stop]
