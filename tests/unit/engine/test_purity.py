"""``bot.engine`` is pure: it imports the standard library and itself, nothing else."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import bot.engine

ENGINE_DIR = Path(bot.engine.__file__).parent
PROJECT_ROOT = ENGINE_DIR.parent.parent
FORBIDDEN = ("telegram", "sqlmodel", "babel", "yaml")

# Run in a fresh interpreter so nothing pytest (or another test) imported can hide a leak.
PROBE = """
import json, pkgutil, sys
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
import bot.engine
for module in pkgutil.walk_packages(bot.engine.__path__, "bot.engine."):
    __import__(module.name)
print(json.dumps({"before": sorted(before), "after": sorted(sys.modules)}))
"""


def allowed(name: str) -> bool:
    top = name.partition(".")[0]
    return (
        top in sys.stdlib_module_names
        or name == "bot"
        or name == "bot.engine"
        or name.startswith("bot.engine.")
    )


def test_importing_the_engine_loads_only_the_standard_library():
    result = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = json.loads(result.stdout)
    after = set(modules["after"])
    imported = after - set(modules["before"])
    assert "bot.engine.runner" in imported
    assert "bot.engine.nodes.choice" in imported
    leaked = sorted(name for name in imported if not allowed(name))
    forbidden = sorted(name for name in after if name.partition(".")[0] in FORBIDDEN)
    assert not leaked and not forbidden, (
        f"bot.engine must import only the standard library (never {', '.join(FORBIDDEN)}); "
        f"it loaded {leaked + forbidden}"
    )


def engine_imports() -> list[tuple[str, str]]:
    """Every absolute module name imported by a file under bot/engine, with the file."""
    found = []
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        package = ["bot", *path.parent.relative_to(ENGINE_DIR.parent).parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against the file's package
                    base = package[: len(package) - node.level + 1]
                    name = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    name = node.module or ""
                found.append((path.name, name))
    return found


def test_engine_sources_import_only_the_standard_library_and_the_engine():
    imports = engine_imports()
    assert ("runner.py", "bot.engine.state") in imports
    bad = sorted(
        {f"{file}: {name}" for file, name in imports if not allowed(name) or name == "bot"}
    )
    assert not bad, (
        f"bot.engine must import only the standard library and bot.engine.* "
        f"(never {', '.join(FORBIDDEN)}): {bad}"
    )
