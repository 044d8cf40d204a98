"""Apply a return package kept as JSON (workbench.domain.sync_json): a plain entry to the apply step, with no
workbook reader in the way, for tests (the kill -9 test runs it as a subprocess) and for a support engineer
replaying a package.

    python -m workbench.services.sync_apply_json --db sqlite:///所里.db --who 李主任 回传包.json [--dry-run]

Prints the dry run's or the commit's Chinese summary; a refused package prints its reason and exits with 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Office
from workbench.domain.sync_json import package_from_json
from workbench.services.errors import WorkbenchError
from workbench.services.sync_apply import apply_package
from workbench.services.sync_plan import plan_package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.services.sync_apply_json")
    parser.add_argument("package", type=Path)
    parser.add_argument("--db", required=True, help="database URL or SQLite file")
    parser.add_argument("--who", default="", help="who applies it at the office")
    parser.add_argument("--device", default="")
    parser.add_argument("--dry-run", action="store_true")
    arguments = parser.parse_args(argv)
    engine = make_engine(arguments.db, create=False)
    try:
        package = package_from_json(arguments.package.read_text(encoding="utf-8"))
        with Session(engine) as session:
            office = session.execute(
                select(Office).where(Office.code == package.manifest.office_code)  # type: ignore[arg-type]
            ).scalars().first()
            if office is None or office.id is None:
                print(f"本数据库中没有所代码为 {package.manifest.office_code} 的所，回传包未导入", file=sys.stderr)
                return 1
            actor = Actor(who=arguments.who, device=arguments.device, office_id=office.id)
            if arguments.dry_run:
                print(plan_package(session, actor, package).summary())
                return 0
            result = apply_package(session, actor, package, progress=_print_progress)
            session.commit()
            print(result.message, flush=True)
    except (WorkbenchError, ValueError) as problem:
        print(getattr(problem, "message", str(problem)), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _print_progress(done: int, total: int) -> None:
    print(f"已写入 {done}/{total}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
