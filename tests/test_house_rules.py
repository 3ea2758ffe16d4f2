"""Where things live: SQL only in app/store/, and no folder too big to read in one sitting.

Checked on the source (ast), so a statement split over an f-string or several lines is found too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|REPLACE|WITH)\s")
MAX_MODULES_PER_FOLDER = 15


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
            yield node.lineno, text


def sql_outside_store(root: Path = APP) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if (root / "store") in path.parents:
            continue
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            hit = f"{path.relative_to(root.parent)}:{line}: {text.strip()[:60]}"
            if SQL.match(text) and hit not in found:   # an f-string's parts are strings too
                found.append(hit)
    return found


def test_sql_lives_only_in_the_store():
    assert sql_outside_store() == []


def test_the_check_finds_sql_in_a_workflow(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "repo.py").write_text('Q = "SELECT 1"\n')
    (tmp_path / "flow.py").write_text('def f(conn, t):\n    return conn.execute(f"DELETE FROM {t}")\n')
    found = sql_outside_store(tmp_path)
    assert len(found) == 1 and "flow.py:2" in found[0]


def test_no_folder_holds_more_than_fifteen_modules():
    crowded = {}
    for folder in [APP, *(p for p in APP.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > MAX_MODULES_PER_FOLDER:
            crowded[str(folder.relative_to(APP.parent))] = len(modules)
    assert crowded == {}
