"""Import a study script of ``docs/validation/`` as a module, for the validation tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "docs" / "validation"


def load(name: str) -> ModuleType:
    """``docs/validation/<name>.py`` as the module ``validation_<name>`` (loaded once).

    The scripts' folder goes on ``sys.path`` first, as when a script is run directly, so that
    their sibling imports (``from report import reflow``) resolve; the module is registered in
    ``sys.modules`` before it runs because dataclasses look their module up."""
    module_name = f"validation_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(module_name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
