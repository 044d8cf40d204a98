"""今日走访路线 to Excel (or CSV): the day's doors in route order, ready to print and take along.

One row per door, street by street as the screen groups them, with the operator and phone the officer asks for
at the door, what is due there, and two empty columns to fill in by hand (走访情况, 签字). The workbook prints
on A4 landscape, one page wide, the header row repeated on every page, the title and page numbers in the
page margins. Written and logged like the other small exports (imports.export.write_logged_file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from imports.export import export_path, is_csv, write_logged_file
from imports.sheet_writer import Kind, XlsxBook, write_csv_table
from storage.audit import Actor
from workbench.services.visit_route import RouteStop, route_title

SHEET = "走访路线"
COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("序号", "count"),
    ("街道/社区", "text"),
    ("名称", "text"),
    ("门牌地址", "text"),
    ("经营者", "text"),
    ("联系电话", "code"),
    ("事由", "text"),
    ("上次走访", "date"),
    ("走访情况", "text"),
    ("签字", "text"),
)
HAND_FILLED_WIDTH = 24  # 走访情况 is written by hand on paper: room for a sentence
SIGNATURE_WIDTH = 10
A4 = 9  # xlsxwriter's paper code for A4


@dataclass(frozen=True)
class RouteExport:
    path: Path
    rows: int


def default_route_name(whose: str, day: date) -> str:
    return f"走访路线-{whose}-{day.isoformat()}.xlsx"


def export_route(
    *, session: Session, actor: Actor, whose: str, day: date, stops: list[RouteStop], path: str | Path
) -> RouteExport:
    """Write the route to path (.xlsx, or .csv; a folder gets 走访路线-干部-日期.xlsx) and log the export."""
    target = export_path(path, default_route_name(whose, day))
    rows = [_cells(number, stop) for number, stop in enumerate(stops, start=1)]
    title = route_title(whose, day, stops)
    write_logged_file(
        session=session,
        actor=actor,
        target=target,
        description=title,
        rows=len(rows),
        write=lambda partial: (_write_csv if is_csv(target) else _write)(partial, title, rows),
    )
    return RouteExport(target, len(rows))


def _cells(number: int, stop: RouteStop) -> list[Any]:
    return [
        number,
        stop.area,
        stop.name,
        stop.street_address,
        stop.operator,
        stop.phone,
        "；".join(stop.reasons),
        stop.last_visited_on,
        None,
        None,
    ]


def _write(path: Path, title: str, rows: list[list[Any]]) -> None:
    titles = [name for name, _kind in COLUMNS]
    kinds = [kind for _name, kind in COLUMNS]
    with XlsxBook(path, constant_memory=False) as book:
        sheet = book.sheet(SHEET, len(COLUMNS))
        sheet.header(titles)
        for number, cells in enumerate(rows, start=1):
            sheet.append(number, cells, kinds)
        sheet.fit_columns(titles)
        page = sheet.sheet
        page.set_column(len(COLUMNS) - 2, len(COLUMNS) - 2, HAND_FILLED_WIDTH)
        page.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, SIGNATURE_WIDTH)
        page.freeze_panes(1, 0)
        page.set_landscape()
        page.set_paper(A4)
        page.fit_to_pages(1, 0)  # one page wide, as many long as the route needs
        page.repeat_rows(0)
        page.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        page.set_header(f"&C&14{_header_text(title)}")
        page.set_footer("&C第 &P 页，共 &N 页")


def _header_text(title: str) -> str:
    """A page-margin text: & starts a code there, so a literal one is doubled."""
    return title.replace("&", "&&")


def _write_csv(path: Path, title: str, rows: list[list[Any]]) -> None:
    del title  # a CSV has no page margins: the file name and its rows say what it is
    write_csv_table(path, COLUMNS, rows)
