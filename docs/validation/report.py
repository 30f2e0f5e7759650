"""Markdown helpers shared by the study scripts beside this file: re-wrapping the text and
choosing where the markdown and the figure are written.

The scripts are run as ``python docs/validation/<study>.py``, which puts this folder on
``sys.path``, so they import it as ``from report import ...``. The studies themselves live in
``sim.validation``; the scripts only run them, plot and write markdown.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import textwrap
from pathlib import Path


def reflow(text: str, width: int = 96) -> str:
    """Re-wrap prose paragraphs and bullet items; tables, images and headings are kept."""

    def fill(words: str, bullet: bool) -> str:
        return textwrap.fill(
            " ".join(words.split()),
            width,
            initial_indent="- " if bullet else "",
            subsequent_indent="  " if bullet else "",
            break_on_hyphens=False,
            break_long_words=False,
        )

    blocks = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith(("|", "!", "#")):
            blocks.append(block)
        elif block.startswith("- "):
            items = re.split(r"\n(?=- )", block)
            blocks.append("\n".join(fill(item[2:], True) for item in items))
        else:
            blocks.append(fill(block, False))
    return "\n\n".join(blocks)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--quick`` and ``--out``, as :func:`output_paths` reads them."""
    parser.add_argument("--quick", action="store_true", help="small run, a smoke test")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the markdown and figures/ here (default: docs/validation and docs/figures; "
        "a temporary directory with --quick, so a smoke run never overwrites the documented run)",
    )


def output_paths(args: argparse.Namespace, figure: Path, markdown: Path) -> tuple[Path, Path]:
    """The figure and markdown files to write: the documented ``figure`` and ``markdown``, or
    ``figures/<figure name>`` and ``<markdown name>`` under ``--out`` (default with ``--quick``:
    ``<temp dir>/validation_<markdown stem>_quick``), whose folder is then created."""
    out = args.out
    if out is None and args.quick:
        out = Path(tempfile.gettempdir()) / f"validation_{markdown.stem}_quick"
    if out is None:
        return figure, markdown
    figure, markdown = out / "figures" / figure.name, out / markdown.name
    markdown.parent.mkdir(parents=True, exist_ok=True)
    return figure, markdown
