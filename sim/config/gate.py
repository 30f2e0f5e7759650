"""The one gate for configuration: scenario files and Python objects in, checked
:class:`~sim.config.schema.Scenario` parts out.

This is the only module that reads YAML, loaded with ``yaml.safe_load`` semantics (no object
construction). Every error names the file, the key path, the YAML line where known, the bad value
and what is allowed. Relative paths resolve against the scenario file's folder. Python callers of
the API pass their parts through :func:`validate_part`, and get the same messages (without a
file). Changes to a loaded scenario go through :func:`with_overrides`, which re-validates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from sim.config.schema import FileNetwork, Scenario
from sim.errors import InputError


class ScenarioError(InputError):
    """A scenario file that cannot be used, with a message saying where and why."""


class DuplicateKey(ValueError):
    """A mapping that gives the same key twice."""


MAX_BYTES = 1 << 20
"""Largest scenario file read (1 MiB): scenarios are a page of keys, data lives in other files."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted, checked on the tokens before parsing."""
MAX_VALUES = 100_000
"""Most values a scenario may hold once YAML aliases are expanded (bounds "billion laughs")."""


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and resolve a scenario YAML file."""
    path = Path(path)
    try:
        if not path.is_file():
            kind = "a folder" if path.is_dir() else ("missing" if not path.exists() else "special")
            what = "no such file" if kind == "missing" else f"not a regular file ({kind})"
            raise ScenarioError(f"{path}: cannot read scenario file: {what}")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(
                f"{path}: scenario file is {size:,} bytes; the limit is {MAX_BYTES:,} "
                "(put data in network or population files, not in the scenario)"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read scenario file ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}, line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); save the scenario as UTF-8"
        ) from None
    return parse_scenario(text, source=path)


def parse_scenario(text: str, source: str | Path = "<string>") -> Scenario:
    """Validate scenario YAML text; relative paths resolve against ``source``'s folder.

    Size, nesting depth and alias expansion are bounded before anything is built, so a
    hostile file is refused in one line instead of exhausting memory or the stack.
    """
    source = Path(source)
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"{source}: scenario text is over {MAX_BYTES:,} characters")
    try:
        _check_depth(text, source)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_expansion(root, source)
        data = yaml.SafeLoader("").construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark else str(source)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario must be a mapping of keys, got {type(data).__name__}"
        )
    try:
        lines = _key_lines(root)
    except DuplicateKey as error:
        raise ScenarioError(f"{source}, {error}") from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_describe(error, source, lines)) from None
    scenario = _resolve_paths(scenario, source.parent, lines, source)
    scenario._source = (source, lines)
    return scenario


def validate_part(key: str, value: Any) -> Any:
    """Check one top-level part of a scenario given from Python (``network``, ``population``,
    ``dynamics``, ``campaign``, ``strategies``, ``steps``, ``replications``, ``seed``): a
    model instance, or a plain dict/list/number that is validated into one."""
    field = Scenario.model_fields.get(key)
    if field is None:
        raise InputError(f"{key}: not a scenario key; known: {', '.join(Scenario.model_fields)}")
    if key not in _ADAPTERS:  # the field's annotation with its constraints and discriminator
        annotation = field.annotation
        if field.metadata:
            annotation = Annotated[annotation, *field.metadata]
        _ADAPTERS[key] = TypeAdapter(annotation)
    adapter = _ADAPTERS[key]
    if isinstance(value, BaseModel):
        value = value.model_dump()  # re-checked whole: a model_copy(update=...) skips checks
    elif isinstance(value, list | tuple):
        value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    try:
        return adapter.validate_python(value, strict=False)
    except ValidationError as error:
        raise InputError(_describe(error, None, {}, prefix=(key,))) from None


_ADAPTERS: dict[str, TypeAdapter] = {}


def parse_setting(text: str) -> tuple[str, Any]:
    """A command-line ``--set KEY=VALUES`` as ``(key, value)``: ``KEY=v`` fixes one value,
    ``KEY=v1,v2,...`` sweeps a list, ``KEY=low:high`` a range (``low:high:log`` log-uniform).
    Values are read as YAML scalars (``30``, ``0.5``, ``true``, ``cascade``)."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise InputError(f"--set: expected KEY=VALUE[,VALUE...] or KEY=LOW:HIGH, got {text!r}")
    if not all(part.isidentifier() or part.isdigit() for part in key.split(".")):
        raise InputError(f"--set: {key!r} is not a dotted key path like dynamics.tie_half_life")
    pieces = [piece.strip() for piece in values.split(",")]
    if len(pieces) == 1 and pieces[0].count(":") in (1, 2) and not pieces[0].startswith("{"):
        bounds = pieces[0].split(":")
        low, high = (_scalar(b, key) for b in bounds[:2])
        if len(bounds) == 3 and bounds[2] != "log":
            raise InputError(f"--set {key}: a range is LOW:HIGH or LOW:HIGH:log, got {values!r}")
        return key, {"low": low, "high": high, "log": len(bounds) == 3}
    parsed = [_scalar(piece, key) for piece in pieces]
    return key, parsed if len(parsed) > 1 else parsed[0]


def _scalar(text: str, key: str):
    if not text:
        raise InputError(f"--set {key}: empty value")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, dict | list):
        raise InputError(f"--set {key}: one value per comma, got {text!r}")
    if isinstance(value, str):  # YAML 1.1 reads 1e-3 as text; on a command line it is a number
        try:
            return float(value)
        except ValueError:
            return value
    return value


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """The scenario with dotted-path keys replaced (``{"dynamics.tie_half_life": 30}``),
    re-validated whole through the schema and the cross-field rules; errors name the key."""
    data = scenario.model_dump(mode="json")
    for dotted, value in overrides.items():
        parts = [int(p) if p.isdigit() else p for p in dotted.split(".")]
        node = data
        for depth, part in enumerate(parts[:-1]):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                known = ".".join(str(p) for p in parts[: depth + 1])
                raise InputError(
                    f"{dotted}: no such key ({known} is not in the scenario)"
                ) from None
            if node is None:
                raise InputError(f"{dotted}: {'.'.join(map(str, parts[: depth + 1]))} is not set")
        if isinstance(node, list) and not (isinstance(parts[-1], int) and parts[-1] < len(node)):
            raise InputError(f"{dotted}: no such list item")
        node[parts[-1]] = value
    source, lines = scenario._source
    try:
        updated = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_describe(error, source, lines, origin="override")) from None
    updated._source = scenario._source
    return updated


_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_depth(text: str, source: Path) -> None:
    """Refuse nesting deeper than MAX_DEPTH, reading tokens (the scanner does not recurse)."""
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                raise ScenarioError(
                    f"{source}, line {line}: nesting deeper than {MAX_DEPTH} levels; a scenario "
                    "needs a few"
                )
        elif isinstance(token, _CLOSE):
            depth -= 1


def _check_expansion(root: yaml.Node | None, source: Path) -> None:
    """Refuse documents whose aliases expand to more than MAX_VALUES values (aliases share
    nodes, so the count is memoised per node and stays linear in the file)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in visiting:
            line = node.start_mark.line + 1
            raise ScenarioError(f"{source}, line {line}: a YAML alias refers to itself")
        visiting.add(id(node))
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        visiting.discard(id(node))
        sizes[id(node)] = min(total, MAX_VALUES + 1)
        return sizes[id(node)]

    if root is not None and size(root) > MAX_VALUES:
        raise ScenarioError(
            f"{source}: YAML aliases expand to more than {MAX_VALUES:,} values; "
            "write the values out or use fewer nested aliases"
        )


def _describe(
    error: ValidationError,
    source: Path | None,
    lines: dict[tuple, int],
    prefix: tuple = (),
    origin: str | None = None,
) -> str:
    messages = []
    for issue in error.errors():
        loc = _clean_loc(issue["loc"])
        text = issue["msg"].removeprefix("Value error, ")
        named = re.match(r"([A-Za-z_][\w.]*): ", text)
        if named:  # a cross-field check that says which key it is about
            loc = (*loc, *(int(p) if p.isdigit() else p for p in named.group(1).split(".")))
            text = text[named.end() :]
        loc = (*prefix, *loc)
        key = ".".join(str(part) for part in loc) or "(top level)"
        line = _nearest_line(loc, lines)
        where = f"{source}, line {line}" if line else f"{source}"
        if source is None:
            where = "python argument" if origin is None else origin
        elif origin is not None:
            where = f"{where} ({origin})"
        value = issue.get("input")
        shown = "" if isinstance(value, dict | list) or named else f" (got {value!r})"
        if issue["type"] == "extra_forbidden":
            text = "unknown key; check the spelling against docs/scenario-schema.md"
        messages.append(f"{where}: {key}: {text}{shown}")
    return "\n".join(messages)


_BRANCH_TAGS = {
    "constant",
    "uniform",
    "normal",
    "beta",
    "float",
    "int",
    "str",
    "bool",
    "number",
    "dist",
    "preset",
}


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-branch and discriminator tags from a location, keeping keys.

    Keys are identifiers or list indices; branch tags carry spaces or brackets
    (``'generated network'``, ``literal['rate_card','survey']``) or name a type or a
    distribution kind, which no key does.
    """
    return tuple(
        part
        for part in loc
        if isinstance(part, int) or (part.isidentifier() and part not in _BRANCH_TAGS)
    )


def _nearest_line(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _key_lines(node: yaml.Node | None, prefix: tuple = ()) -> dict[tuple, int]:
    """1-based line of every key path in the composed YAML tree."""
    found: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, key_node.value)
            if path in found:
                dotted = ".".join(str(part) for part in path)
                raise DuplicateKey(
                    f"line {key_node.start_mark.line + 1}: {dotted}: key given twice "
                    f"(first on line {found[path]}); YAML keeps only the last, so remove one"
                )
            found[path] = key_node.start_mark.line + 1
            found |= _key_lines(value_node, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[(*prefix, index)] = item.start_mark.line + 1
            found |= _key_lines(item, (*prefix, index))
    return found


def _resolve_paths(scenario: Scenario, base: Path, lines: dict, source: Path) -> Scenario:
    def resolve(value: Path | None, key: tuple) -> Path | None:
        if value is None:
            return None
        full = value if value.is_absolute() else (base / value)
        if not full.exists():
            line = lines.get(key)
            where = f"{source}, line {line}" if line else str(source)
            raise ScenarioError(f"{where}: {'.'.join(map(str, key))}: file not found: {full}")
        return full.resolve()

    updates: dict[str, Any] = {}
    network = scenario.network
    if isinstance(network, FileNetwork):
        updates["network"] = network.model_copy(
            update={
                "file": resolve(network.file, ("network", "file")),
                "communities": resolve(network.communities, ("network", "communities")),
            }
        )
    if scenario.population.file is not None:
        updates["population"] = scenario.population.model_copy(
            update={"file": resolve(scenario.population.file, ("population", "file"))}
        )
    found = scenario.dynamics.delays
    if found is not None:
        resolved = {}
        for kind in ("view", "repost"):
            delay = getattr(found, kind)
            if delay is not None and delay.dist == "empirical":
                path = resolve(delay.file, ("dynamics", "delays", kind, "file"))
                resolved[kind] = delay.model_copy(update={"file": path})
        if resolved:
            updates["dynamics"] = scenario.dynamics.model_copy(
                update={"delays": found.model_copy(update=resolved)}
            )
    if scenario.calibrate is not None:
        observed = [
            resolve(path, ("calibrate", "observed", k))
            if (("calibrate", "observed", k) in lines)
            else resolve(path, ("calibrate", "observed"))
            for k, path in enumerate(scenario.calibrate.observed)
        ]
        updates["calibrate"] = scenario.calibrate.model_copy(update={"observed": observed})
    directory = scenario.outputs.directory
    if directory is not None and not directory.is_absolute():
        updates["outputs"] = scenario.outputs.model_copy(update={"directory": base / directory})
    return scenario.model_copy(update=updates) if updates else scenario


def scenario_to_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML (for results folders)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False)
