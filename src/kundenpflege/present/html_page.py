"""The Monday page as one self-contained HTML file: inline CSS and SVG, no script, no
request of any kind (a Content-Security-Policy forbids them even if text slipped
through), every piece of user text escaped. Tables are real tables with headers;
each chart has a text alternative and its figures are in a table beside it."""

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape

from kundenpflege import __version__, i18n
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _
from kundenpflege.present import charts, views
from kundenpflege.present.render import Report, plain
from kundenpflege.reports.due import DueItem
from kundenpflege.reports.monday import MondayPage, WeekMood
from kundenpflege.reports.tally import window

STYLE = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d5d9e0;
  --now: #1f5f99; --before: #a9bed3; --good: #2e7d4f; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); margin: 2rem auto; max-width: 70rem; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 2px solid var(--line);
  padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
p.meta, p.more, figcaption, caption { color: var(--muted); }
caption { text-align: left; font-size: .9rem; padding: .2rem 0; caption-side: top; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem .3rem 0;
  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
td.number, td.day { white-space: nowrap; }
tr.warn td, tr.warn th { background: #fff4e5; }
figure { margin: .6rem 0 1rem; }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.now { fill: var(--now); } .before { fill: var(--before); }
.good { fill: var(--good); } .bad { fill: var(--bad); } .axis { stroke: var(--muted); }
.key { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .8rem; }
.key.now { background: var(--now); } .key.before { background: var(--before); }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  table { font-size: 8pt; } th, td { padding: .15rem .3rem .15rem 0; }
  section { break-inside: avoid-page; }
  tr { break-inside: avoid; }
  .now, .good, .bad, .before, .key { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""
BAR_WIDTH = 360  # pixels of the longest bar
ROW_HEIGHT = 18


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def table(report: Report, caption: str | None = None) -> str:
    """A report as an HTML table: its column titles as headers, the handle as each
    row's header, and each row's data (what `--format json` gives) in `data-row`."""
    figures = [
        any(cell for cell in column) and all(not cell or NUMBER.fullmatch(cell) for cell in column)
        for column in zip(*report.table, strict=True)
    ] or [False] * len(report.titles)
    heads = "".join(
        f'<th scope="col"{NUMERIC if figure else ""}>{_text(title)}</th>'
        for title, figure in zip(report.titles, figures, strict=True)
    )
    rows = []
    for number, (cells, data) in enumerate(zip(report.table, report.data, strict=True)):
        warn = ' class="warn"' if report.warn and report.warn[number] else ""
        record = _text(json.dumps({key: plain(value) for key, value in data.items()},
                                  ensure_ascii=False))  # fmt: skip
        shown = "".join(
            f'<th scope="row">{_text(cell)}</th>' if index == report.key else
            f"<td{_numeric(cell)}>{_text(cell)}</td>"
            for index, cell in enumerate(cells)
        )  # fmt: skip
        rows.append(f'<tr{warn} data-row="{record}">{shown}</tr>')
    caption_html = f"<caption>{_text(caption)}</caption>" if caption else ""
    return (f"<table>{caption_html}<thead><tr>{heads}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


# Figures and days: right-aligned figures, never broken across lines.
NUMBER = re.compile(r"[+-]?€?\d[\d.,]*( ?%| €| pts| Pkt\.)?")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}")


NUMERIC = ' class="number"'


def _numeric(cell: str) -> str:
    if NUMBER.fullmatch(cell):
        return NUMERIC
    return ' class="day"' if DAY.fullmatch(cell) else ""


Bar = tuple[str, float, float, str, str]  # label, value, top, what it says, style


def bars_svg(title: str, bars: Sequence[Bar], gap_after: Iterable[int] = ()) -> str:
    """Horizontal bars, labelled, with their figure at the end; the title and each
    bar's words are the chart's text alternative."""
    gaps = set(gap_after)
    indent = 8 + 7 * max((len(name) for name, *_rest in bars), default=0)
    parts, y = [], 0
    for index, (name, value, top, words, style) in enumerate(bars):
        length = 0.0 if top <= 0 else max(0.0, min(value / top, 1.0)) * BAR_WIDTH
        parts.append(
            f'<text x="{indent - 8}" y="{y + 13}" text-anchor="end">{_text(name)}</text>'
            f'<rect class="{style}" x="{indent}" y="{y + 2}" width="{length:.1f}"'
            f' height="{ROW_HEIGHT - 4}"><title>{_text(words)}</title></rect>'
            f'<text x="{indent + length + 6:.1f}" y="{y + 13}">{_text(words.split(": ")[-1])}'
            "</text>"
        )
        y += ROW_HEIGHT + (10 if index in gaps else 0)
    alternative = "; ".join(words for *_rest, words, _style in bars)
    return (
        f'<svg role="img" aria-label="{_text(title)}: {_text(alternative)}"'
        f' viewBox="0 0 {indent + BAR_WIDTH + 80} {y + 4}" width="{indent + BAR_WIDTH + 80}">'
        f"<title>{_text(title)}</title><desc>{_text(alternative)}</desc>{''.join(parts)}</svg>"
    )


def pulse_chart(page: MondayPage) -> str:
    now, before = _("this period"), _("the period before")
    bars: list[Bar] = []
    for row, top in charts.compared(page.pulse):
        assert row.current is not None and row.previous is not None
        name = label(row.measure)
        bars.append(
            (
                name,
                row.current,
                top,
                f"{name}, {now}: {views.pulse_number(row.current, row.measure)}",
                "now",
            )
        )
        bars.append(("", row.previous, top,
                     f"{name}, {before}: {views.pulse_number(row.previous, row.measure)}",
                     "before"))  # fmt: skip
    title = _("This period against the last")
    legend = (f'<p class="legend" aria-hidden="true"><span class="key now"></span>{_text(now)}'
              f'<span class="key before"></span>{_text(before)}</p>')  # fmt: skip
    return f"<figure>{bars_svg(title, bars, range(1, len(bars), 2))}{legend}</figure>"


def fairness_chart(page: MondayPage) -> str:
    rows = page.fairness
    if not rows:
        return ""
    most = max(row.contacts_per_customer_year for row in rows)
    per_year = _("Contacts per customer a year")
    personal = _("Personal share (phone, visit, video)")
    contacts: list[Bar] = [
        (label(row.group) or "-", row.contacts_per_customer_year, most,
         f"{label(row.group) or '-'}: {i18n.number(row.contacts_per_customer_year, 1)}", "now")
        for row in rows
    ]  # fmt: skip
    shares: list[Bar] = [
        (label(row.group) or "-", row.personal_share or 0, 1.0,
         f"{label(row.group) or '-'}: "
         f"{i18n.percent(row.personal_share) if row.personal_share is not None else '-'}", "now")
        for row in rows
    ]  # fmt: skip
    return (f"<figure>{bars_svg(per_year, contacts)}<figcaption>{_text(per_year)}</figcaption>"
            f"</figure><figure>{bars_svg(personal, shares)}<figcaption>{_text(personal)}"
            "</figcaption></figure>")  # fmt: skip


def mood_chart(weeks: Sequence[WeekMood]) -> str:
    """A bar a week around the zero line: up for a good average mood, down for a bad
    one, none where no contact had a mood."""
    width, middle, scale, step = 40, 70, 30, 46
    title = _("Average mood per week, -2 to +2")
    words = "; ".join(
        _("week of {day}: {mood}").format(
            day=i18n.day(week.week),
            mood=_mood(week.average, _("no mood recorded")),
        )
        for week in weeks
    )
    parts = [f'<line class="axis" x1="0" x2="{step * len(weeks)}" y1="{middle}" y2="{middle}"'
             ' stroke-width="1"/>']  # fmt: skip
    for index, week in enumerate(weeks):
        x = index * step + 3
        if week.average is not None:
            height = abs(week.average) / 2 * scale * 2
            top = middle - height if week.average >= 0 else middle
            style = "good" if week.average >= 0 else "bad"
            parts.append(f'<rect class="{style}" x="{x}" y="{top:.1f}" width="{width}"'
                         f' height="{max(height, 1):.1f}"/>')  # fmt: skip
        parts.append(f'<text x="{x}" y="{middle * 2 + 14}">{_text(_week(week.week))}</text>')
    view = f"0 0 {step * len(weeks)} {middle * 2 + 20}"
    return (f'<figure><svg role="img" aria-label="{_text(title)}: {_text(words)}"'
            f' viewBox="{view}" width="{step * len(weeks)}"><title>{_text(title)}</title>'
            f"<desc>{_text(words)}</desc>{''.join(parts)}</svg>"
            f"<figcaption>{_text(title)}</figcaption></figure>")  # fmt: skip


def _mood(average: float | None, missing: str = "-") -> str:
    return i18n.signed(average) if average is not None else missing


def _week(monday: date) -> str:
    """A week under its bar: 7.9. in German, Sep 7 in English."""
    if i18n.current() == "de":
        return f"{monday.day}.{monday.month}."
    return f"{i18n.month(monday.month)} {monday.day}"


def mood_table(weeks: Sequence[WeekMood]) -> str:
    heads = (_("Week of"), _("Average mood"), _("Contacts with a mood"))
    head = "".join(f'<th scope="col">{_text(title)}</th>' for title in heads)
    rows = "".join(
        f'<tr data-row="{_text(json.dumps(plain(vars(week))))}">'
        f'<th scope="row">{_text(i18n.day(week.week))}</th>'
        f"<td{NUMERIC}>{_text(_mood(week.average))}</td><td{NUMERIC}>{week.moods}</td></tr>"
        for week in weeks
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _more(shown: int, total: int, command: str) -> str:
    if total <= shown:
        return ""
    return (
        '<p class="more">'
        + _text(_("{count} more: see `{command}`.").format(count=total - shown, command=command))
        + "</p>"
    )


def _paragraph(words: str) -> str:
    return f"<p>{_text(words)}</p>"


def _section(key: str, heading: str, body: str) -> str:
    return (f'<section id="{key}" aria-labelledby="{key}-heading">'
            f'<h2 id="{key}-heading">{_text(heading)}</h2>{body}</section>')  # fmt: skip


def _due_by_person(page: MondayPage) -> str:
    if not page.due:
        return _paragraph(_("Nobody is due this week."))
    people: dict[str, list[DueItem]] = {}
    for item in page.due:
        people.setdefault(item.person or "", []).append(item)
    parts = []
    for person in sorted(people, key=lambda name: (name == "", name.casefold())):
        items = people[person]
        heading = person or _("nobody chosen")
        report = views.due_report(items, len(items))
        for row in report.data:  # the page shows a note's first words: so does its data
            row.pop("last_note")
        parts.append(f"<h3>{_text(heading)}</h3>{table(report)}")
    return "".join(parts) + _more(len(page.due), page.due_total, "kundenpflege due")


def _known(page: MondayPage) -> str:
    """The facts of the customers due this week: worth a look before calling them."""
    if not page.known:
        return _paragraph(_("Nothing kept about those due this week."))
    return table(views.facts_report(page.known, len(page.known))) + _more(
        len(page.known), page.known_total, "kundenpflege fact list"
    )


def _risks(page: MondayPage) -> str:
    if not page.at_risk:
        return _paragraph(_("Nobody is at risk."))
    return table(views.health_report(page.at_risk, len(page.at_risk))) + _more(
        len(page.at_risk), page.at_risk_total, "kundenpflege health"
    )


def page_html(page: MondayPage) -> str:
    """The whole page."""
    today = page.today
    current = window(today, page.period_days)
    previous = window(today - timedelta(days=page.period_days), page.period_days)
    title = _("Customer care on {day}").format(day=i18n.day(today))
    pulse = views.pulse_report(page.pulse, current, previous)
    fairness = views.fairness_report(page.fairness, "tier", window(today, 365))
    over = (table(views.health_report(page.over_contacted, len(page.over_contacted)))
            + _more(len(page.over_contacted), page.over_contacted_total, "kundenpflege health")
            if page.over_contacted else _paragraph(_("Nobody got too much of us.")))  # fmt: skip
    sections = [
        _section("pulse", _("How we are doing"), pulse_chart(page) + table(pulse, pulse.title)),
        _section("at-risk", _("Customers at risk"), _risks(page)),
        _section(
            "due",
            _("Due this week, until {day}, by person of ours").format(day=i18n.day(page.due_until)),
            _due_by_person(page),
        ),
        _section("known", _("What we know about them"), _known(page)),
        _section(
            "fairness",
            _("Attention by tier"),
            fairness_chart(page) + table(fairness, fairness.title),
        ),  # fmt: skip
        _section("mood", _("Mood trend"), mood_chart(page.moods) + mood_table(page.moods)),
        _section("over-contacted", _("Over-contacted"), over),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.current()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " style-src 'unsafe-inline'\">"
        f"<title>{_text(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{_text(title)}</h1><p class="meta">'
        + _text(
            _("Period {current} against {previous}.").format(
                current=i18n.span(*current), previous=i18n.span(*previous)
            )
        )  # fmt: skip
        + "</p></header><main>"
        + "".join(sections)
        + f"</main><footer>kundenpflege {_text(__version__)}</footer></body></html>\n"
    )
