"""The tree reads as its layers: imports only point down, Typer and Rich stay at the
top, the command line holds no SQL, and no module grows past what one person reads."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "kundenpflege"
# Lower ranks never import higher ones; equal ranks only within their own package.
RANKS = {
    "": 0, "storage": 1, "domain": 2, "interop": 3, "reports": 3, "present": 4, "cli": 5,
    "__main__": 6,  # `python -m kundenpflege` runs the command line
}  # fmt: skip
MODULES = sorted(path for path in PACKAGE.rglob("*.py"))
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA|BEGIN|COMMIT)\b")


def layer(module: str) -> str:
    """'kundenpflege.domain.customers' -> 'domain'; root modules are layer ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or parts[1:] and parts[1] in RANKS else ""


def name_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(relative.parts).removesuffix(".__init__")


def imports(path: Path) -> list[str]:
    """Every module `path` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: name_of(path))
def test_imports_point_down(path: Path) -> None:
    module = name_of(path)
    own = layer(module)
    for imported in imports(path):
        if not imported.startswith("kundenpflege.") or imported.count(".") < 1:
            continue
        target = layer(imported)
        if target not in RANKS or target == own:
            continue
        assert RANKS[target] < RANKS[own], f"{module} imports {imported} (an upper layer)"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: name_of(path))
def test_typer_and_rich_only_at_the_top(path: Path) -> None:
    used = {name.split(".")[0] for name in imports(path)} & {"typer", "rich", "click"}
    if used:
        assert layer(name_of(path)) in ("cli", "present"), f"{name_of(path)} imports {used}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda path: path.stem)
def test_the_command_line_holds_no_sql(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not SQL.search(node.value), f"{path.name}: {node.value[:60]!r}"


def test_only_one_module_reaches_into_typer() -> None:
    reaching = [name_of(path) for path in MODULES if "typer._click" in " ".join(imports(path))]
    assert reaching == ["kundenpflege.cli.internals"]


def test_no_module_over_600_lines() -> None:
    long = {name_of(path): count for path in MODULES
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > 600}  # fmt: skip
    assert long == {}


def test_the_rules_catch_a_wrong_import() -> None:
    assert layer("kundenpflege.storage.db") == "storage"
    assert layer("kundenpflege.i18n") == ""
    assert RANKS[layer("kundenpflege.domain.schedule")] > RANKS[layer("kundenpflege.storage.db")]
    assert SQL.search("SELECT id FROM customers") and not SQL.search("Select a customer")
