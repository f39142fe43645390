"""What the PDF shift report says: the data of one shift and its HTML, for the medical director.

:func:`gather` reads, for ``[start, end)``: the indicators
(:func:`app.services.supervision.stats.query_stats`), the cases of the review
(:func:`app.services.supervision.shift_review.load_review`) and the journal's hash-chain
status, calling ``progress(step, STEPS)`` between steps.  :func:`report_html`
lays them out in the HTML subset ``QTextDocument`` prints (tables, no CSS
layout): title with the SAMU and the period, the indicators (answer within
60 s / 30 s, time to a doctor by priority, SNP booked share, no-show and
cancellation, searches that found nothing, waiting and oldest wait), the hourly
chart (an image the caller provides), cases by decision and priority, the chain
status, and who generated it when.  Every text from the data is escaped.
Plain Python, no Qt (:mod:`app.ui.supervisor.shift_report` prints it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.codes import priorities, room_time
from app.models import Case
from app.services.supervision import stats
from app.services.regulation.queue import format_duration
from app.services.supervision.shift_review import ChainStatus, ReviewRow, chain_status, decision_label, load_review

STEPS = 3
#: Printed width of the hourly chart, in the document's pixels: the text width of an A4 page with the
#: printer's margins (measured against a 100 % wide table).
CHART_WIDTH = 520
PRIORITY_COLUMNS = priorities.CODES


@dataclass(frozen=True)
class ReportData:
    samu: str
    stats: stats.Stats
    rows: list[ReviewRow]
    chain: ChainStatus


def samu_name(owner: str | None) -> str:
    """``fr.health.samu670`` → ``SAMU 67``; ``fr.health.samu974`` → ``SAMU 974``; unknown → ``SAMU``."""
    code = (owner or "").rsplit(".", 1)[-1].upper()
    if not code.startswith("SAMU") or len(code) <= 4:
        return "SAMU"
    dep = code[4:]
    return f"SAMU {dep[:2] if len(dep) == 3 and dep.endswith('0') and not dep.startswith('97') else dep}"


def gather(session: Session, start: datetime, end: datetime, now: datetime,
           progress: Callable[[int, int], None] | None = None) -> ReportData:
    """Everything the report prints, read from ``session``'s database."""
    step = progress or (lambda _done, _total: None)
    owner = session.scalar(select(Case.owner).group_by(Case.owner).order_by(func.count().desc()).limit(1))
    result = stats.query_stats(session, start, end, now)
    step(1, STEPS)
    rows = load_review(session, start, end)
    step(2, STEPS)
    chain = chain_status(session)
    step(3, STEPS)
    return ReportData(samu_name(owner), result, rows, chain)


# --- HTML ---------------------------------------------------------------------------------------
STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #212121; }
h1 { font-size: 16pt; color: #0d47a1; margin-bottom: 0; }
h2 { font-size: 11pt; color: #0d47a1; margin-top: 14px; margin-bottom: 4px; }
p.sub { color: #546e7a; margin-top: 2px; }
th { background-color: #e3f2fd; color: #0d47a1; text-align: left; }
td.n, th.n { text-align: right; }
.ok { color: #1b5e20; font-weight: bold; }
.bad { color: #b71c1c; font-weight: bold; }
.note { color: #607d8b; font-size: 8pt; }
"""
TABLE = '<table width="100%" cellspacing="0" cellpadding="4" border="0">'
#: Every other body row is shaded, so a row is easy to follow across the page.
SHADE = "#f3f6f8"


def _pct(share: stats.Share | None) -> str:
    return "—" if share is None or share.ratio is None else f"{share.ratio * 100:.0f} %"


def _of(share: stats.Share | None) -> str:
    return "aucune donnée" if share is None or not share.denominator else f"{share.numerator} sur {share.denominator}"


def _local(t: datetime) -> str:
    """``18/01/2024 08:00``: room time (the SAMU's zone), whatever the computer's clock."""
    return room_time.date_clock(t)


def _row(*cells: str, head: bool = False, numeric_from: int = 99, shade: bool = False,
         widths: tuple[int, ...] = ()) -> str:
    tag = "th" if head else "td"
    out = []
    for i, c in enumerate(cells):
        attrs = (' class="n"' if i >= numeric_from else "") + (f' width="{widths[i]}%"' if i < len(widths) else "")
        out.append(f"<{tag}{attrs}>{c}</{tag}>")
    return (f'<tr bgcolor="{SHADE}">' if shade else "<tr>") + "".join(out) + "</tr>"


def indicators_html(s: stats.Stats) -> str:
    waiting = " · ".join(f"{name} {sum(s.waiting[stream].values())}"
                         for stream, name in (("AMU", "AMU"), ("SNP", "SNP"), ("NR", "non orientés")))
    lines = [
        ("Appels présentés", str(s.calls), ""),
        ("Décrochés en 60 s ou moins (QS60)", _pct(s.answered_60), f"{_of(s.answered_60)} — objectif SUdF 99 %"),
        ("Décrochés en 30 s ou moins (QS30)", _pct(s.answered_30), _of(s.answered_30)),
        ("SNP terminés par un rendez-vous", _pct(s.snp_booked), f"{_of(s.snp_booked)} dossiers SNP décidés"),
        ("Patients non présentés", f"{s.no_show_rate * 100:.0f} %", s.notes.get("no_show", "")),
        ("Rendez-vous annulés", f"{s.cancellation_rate * 100:.0f} %", s.notes.get("cancellation", "")),
        ("Recherches sans résultat (garde)", _pct(s.empty_searches),
         s.notes.get("empty_searches") or _of(s.empty_searches)),
        ("Recherches sans résultat (dernière heure)", _pct(s.empty_searches_last_hour),
         _of(s.empty_searches_last_hour)),
        ("En attente", str(s.waiting_total), waiting),
        ("Plus longue attente", format_duration(s.oldest_wait_s), f"P0 en cours (accompagnés) : {len(s.p0_timers)}"),
    ]
    body = "".join(_row(escape(a), f"<b>{escape(b)}</b>", f'<span class="note">{escape(c)}</span>', shade=i % 2 == 1)
                   for i, (a, b, c) in enumerate(lines))
    return TABLE + _row("Indicateur", "Valeur", "Détail", head=True, widths=(36, 12, 52)) + body + "</table>"


def doctor_html(s: stats.Stats) -> str:
    body = "".join(_row(p, str(d.count), format_duration(d.median_s), format_duration(d.p90_s), numeric_from=1,
                        shade=i % 2 == 1)
                   for i, (p, d) in enumerate((p, d) for p, d in s.time_to_doctor.items() if p in PRIORITY_COLUMNS))
    return TABLE + _row("Priorité", "Dossiers transmis au médecin", "Médiane", "90e centile", head=True,
                        numeric_from=1, widths=(25, 35, 20, 20)) \
        + body + "</table>"


def decisions_html(rows: list[ReviewRow]) -> str:
    """Cases by decision (rows) and priority (columns), with totals."""
    counts = Counter((decision_label(r.decision) if r.decision else "Sans décision", r.priority) for r in rows)
    labels = sorted({label for label, _p in counts}, key=lambda x: (x == "Sans décision", x))
    head = _row("Décision", *PRIORITY_COLUMNS, "Total", head=True, numeric_from=1, widths=(40, 10, 10, 10, 10, 10, 10))
    body = "".join(_row(escape(label), *(str(counts[label, p]) for p in PRIORITY_COLUMNS),
                        f"<b>{sum(counts[label, p] for p in PRIORITY_COLUMNS)}</b>", numeric_from=1, shade=i % 2 == 1)
                   for i, label in enumerate(labels))
    totals = _row("<b>Total</b>", *(f"<b>{sum(n for (_l, p), n in counts.items() if p == q)}</b>"
                                    for q in PRIORITY_COLUMNS), f"<b>{len(rows)}</b>", numeric_from=1)
    return TABLE + head + body + totals + "</table>"


def report_html(data: ReportData, *, generated_at: datetime, generated_by: str, chart_src: str) -> str:
    """The whole report; ``chart_src`` is the URL of the hourly chart image (the printer provides it)."""
    s = data.stats
    chain_class = "ok" if data.chain.ok else "bad"
    return "".join([
        f"<html><head><style>{STYLE}</style></head><body>",
        f"<h1>Rapport de garde — {escape(data.samu)}</h1>",
        f'<p class="sub">Garde du {_local(s.start)} au {_local(s.end)} — situation à {_local(s.now)} '
        f"(heure de la salle : {escape(room_time.zone_name())})</p>",
        "<h2>Indicateurs</h2>", indicators_html(s),
        "<h2>Appels par heure</h2>",
        f'<p><img src="{escape(chart_src)}" width="{CHART_WIDTH}"></p>',
        '<p class="note">Barres grises : appels présentés ; barres vertes : décrochés en 60 s ou moins. '
        "Heure de la salle au début de chaque tranche.</p>",
        "<h2 style=\"page-break-before: always\">Délai jusqu'au médecin, par priorité</h2>", doctor_html(s),
        "<h2>Dossiers par décision et priorité</h2>", decisions_html(data.rows),
        "<h2>Intégrité du journal</h2>",
        f'<p class="{chain_class}">{escape(data.chain.badge())}</p>',
        f'<p class="note">Généré le {_local(generated_at)} par {escape(generated_by)} — console de régulation SAS. '
        "Document de travail interne : contient des données d'activité, aucune donnée patient.</p>",
        "</body></html>",
    ])
