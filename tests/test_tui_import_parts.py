"""The import wizard's plain parts, without an app: start folder, path completion, remapping, cells, paths."""

from __future__ import annotations

from pathlib import Path

from imports.columns import IGNORE, ColumnMapping
from screens.import_steps.file_step import PathSuggester, start_folder
from screens.import_steps.jobs import error_workbook_path
from screens.import_steps.mapping_step import clip, remapped


def test_start_folder_prefers_downloads_then_the_chinese_name_then_home(tmp_path: Path) -> None:
    assert start_folder(tmp_path) == tmp_path
    (tmp_path / "下载").mkdir()
    assert start_folder(tmp_path) == tmp_path / "下载"
    (tmp_path / "Downloads").mkdir()
    assert start_folder(tmp_path) == tmp_path / "Downloads"


async def test_the_path_box_completes_names_in_the_typed_folder(tmp_path: Path) -> None:
    (tmp_path / "名录2025.xlsx").write_bytes(b"")
    (tmp_path / "名单").mkdir()
    (tmp_path / ".隐藏.xlsx").write_bytes(b"")
    suggester = PathSuggester()
    assert await suggester.get_suggestion(f"{tmp_path}/名录") == f"{tmp_path}/名录2025.xlsx"
    assert await suggester.get_suggestion(f"{tmp_path}/名单") == f"{tmp_path}/名单/"
    assert await suggester.get_suggestion(f"{tmp_path}/.隐") is None
    assert await suggester.get_suggestion(f"{tmp_path}/没有/x") is None


def test_remapping_a_column_moves_the_field_and_keeps_the_others() -> None:
    mapping = ColumnMapping(["名称", "电话", "手机"], fields={0: "name", 1: "phone"}, units={0: 1, 1: 1})
    moved = remapped(mapping, 2, "phone")
    assert moved.fields == {0: "name", 2: "phone"} and moved.unmapped() == [1]
    ignored = remapped(moved, 1, IGNORE)
    assert ignored.ignored == {1} and ignored.unmapped() == []
    money = remapped(ColumnMapping(["注册资本（万元）"]), 0, "capital")
    assert money.units == {0: 10_000}


def test_clip_counts_terminal_cells_and_shows_whole_numbers_as_excel_does() -> None:
    assert clip("温州市鹿城区五马街道", 10) == "温州市鹿…"
    assert clip(19539090651.0, 20) == "19539090651"
    assert clip(None, 5) == ""


def test_the_error_workbook_goes_beside_the_source_and_never_overwrites(tmp_path: Path) -> None:
    source = tmp_path / "五月名录.xlsx"
    assert error_workbook_path(source) == tmp_path / "五月名录_错误行.xlsx"
    (tmp_path / "五月名录_错误行.xlsx").write_bytes(b"")
    assert error_workbook_path(source) == tmp_path / "五月名录_错误行(2).xlsx"
