"""Protocol figures in a report: every control relation, failed ones marked in words and colour.

Marked in words as well as colour ("FAILED", ✗) because reports get photocopied in black and
white; a relation whose figures are incomplete says which are missing instead of passing.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from observer_app.reports.builder import ObserverProtocol, ReportView, StationView
from observer_app.reports.data import ProtocolData
from observer_app.reports.labels import ReportTexts
from observer_app.reports.layout import (
    FAILED_FILL,
    FRAME_WIDTH,
    Styles,
    header_cell,
    para,
    table,
    text,
)

MARKS = {True: "✓", False: "✗", None: "…"}


def protocol_summary(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    t = texts.gettext
    rules = list(texts.catalogue.control_rules)
    story: list[Flowable] = [
        para(text(t("Protocol figures: control relations")), styles.h2),
        para(
            text(
                t(
                    "✓ holds, ✗ failed (highlighted), … figures for this relation missing, "
                    "— no protocol recorded."
                )
            ),
            styles.muted,
        ),
    ]
    header = [
        para(text(t("Station")), styles.cell_bold),
        header_cell(t("Turnout"), 30 * mm, styles),
    ]
    header += [para(str(n), styles.cell_bold) for n in range(1, len(rules) + 1)]
    rows: list[list[object]] = [header]
    extra: list[tuple[object, ...]] = []
    for r, (station, protocol) in enumerate(_protocol_rows(view), start=1):
        evaluation = protocol.protocol.evaluation if protocol else None
        turnout = evaluation.turnout if evaluation else None
        label = station.station.code
        if view.several_observers and protocol is not None:
            label += " · " + view.author_name(protocol.feed)
        row: list[object] = [
            para(text(label), styles.cell),
            para(texts.percent(turnout) if turnout is not None else "—", styles.number),
        ]
        results = {c.rule_id: c.ok for c in evaluation.checks} if evaluation else {}
        for c, rule in enumerate(rules, start=2):
            ok = results.get(rule.id)
            row.append(MARKS[ok] if evaluation else "—")
            if ok is False:
                extra.append(("BACKGROUND", (c, r), (c, r), FAILED_FILL))
        rows.append(row)
    first = 46 * mm if view.several_observers else 26 * mm
    width = (FRAME_WIDTH - first - 30 * mm) / max(1, len(rules))
    story.append(table(rows, [first, 30 * mm] + [width] * len(rules), extra=extra))
    legend = "<br/>".join(
        f"{n}. {text(rule.expression())}: {text(texts.rule(rule.id))}"
        for n, rule in enumerate(rules, start=1)
    )
    story.append(para(legend, styles.muted))
    return story


def _protocol_rows(view: ReportView) -> list[tuple[StationView, ObserverProtocol | None]]:
    """One row per station and observer's copy; a station without figures gets one row."""
    rows: list[tuple[StationView, ObserverProtocol | None]] = []
    for station in view.stations:
        rows += [(station, p) for p in station.protocols] or [(station, None)]
    return rows


def station_protocol(
    station: StationView, view: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Results protocol")), styles.h2)]
    if not station.protocols:
        return [*story, para(text(t("No protocol figures recorded.")), styles.body)]
    for copy in station.protocols:
        if view.several_observers:
            story.append(
                para(
                    text(
                        t("Copy recorded by {observer}").format(
                            observer=view.author_name(copy.feed)
                        )
                    ),
                    styles.h3,
                )
            )
        story += _protocol_copy(copy.protocol, view, texts, styles)
    return story


def _protocol_copy(
    protocol: ProtocolData, view: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = []
    names = {c.id: c.name for c in view.mission.candidates} if view.mission else {}
    marks = view.policy.show_annotations
    rows: list[list[object]] = [
        [
            para(text(t("Line")), styles.cell_bold),
            para(text(t("Description")), styles.cell_bold),
            para(text(t("Value")), styles.cell_bold),
        ]
    ]
    for name, value in protocol.figures.items():
        label = texts.field(name)
        if "[" in name:
            candidate = name.split("[", 1)[1].rstrip("]")
            label = f"{label}: {names.get(candidate, candidate)}"
        shown = texts.number(value)
        if marks and protocol.verified.get(name):
            shown += " " + MARKS[True]
        rows.append(
            [
                para(text(name), styles.cell),
                para(text(label), styles.cell),
                para(shown, styles.number),
            ]
        )
    story.append(table(rows, [22 * mm, FRAME_WIDTH - 52 * mm, 30 * mm]))
    if marks and any(protocol.verified.get(name) for name in protocol.figures):
        story.append(
            para(
                text(
                    t("{mark} checked by the coordinator against the paper protocol").format(
                        mark=MARKS[True]
                    )
                ),
                styles.muted,
            )
        )
    if protocol.ignored:
        story.append(
            para(
                text(
                    t("Not checked (not on this ballot): {fields}").format(
                        fields=", ".join(f"{k}={v}" for k, v in protocol.ignored.items())
                    )
                ),
                styles.muted,
            )
        )
    evaluation = protocol.evaluation
    if evaluation is None:
        return story
    check_rows: list[list[object]] = [
        [
            para(text(t("Relation")), styles.cell_bold),
            para(text(t("Meaning")), styles.cell_bold),
            para(text(t("Values")), styles.cell_bold),
            para(text(t("Result")), styles.cell_bold),
        ]
    ]
    extra: list[tuple[object, ...]] = []
    for r, check in enumerate(evaluation.checks, start=1):
        if check.ok is None:
            result, values = t("missing: {fields}").format(fields=", ".join(check.missing)), "—"
        else:
            result = t("holds") if check.ok else t("FAILED")
            values = f"{texts.number(check.lhs or 0)} / {texts.number(check.rhs or 0)}"
        if check.ok is False:
            extra.append(("BACKGROUND", (0, r), (-1, r), FAILED_FILL))
        check_rows.append(
            [
                para(text(check.rule.expression()), styles.cell),
                para(text(texts.rule(check.rule_id)), styles.cell),
                para(text(values), styles.cell),
                para(text(f"{MARKS[check.ok]} {result}"), styles.cell),
            ]
        )
    story.append(Spacer(1, 2 * mm))
    story.append(
        table(check_rows, [38 * mm, FRAME_WIDTH - 106 * mm, 34 * mm, 34 * mm], extra=extra)
    )
    turnout = evaluation.turnout
    if turnout is not None:
        story.append(
            para(text(t("Turnout: {value}").format(value=texts.percent(turnout))), styles.body)
        )
    return story
