"""Export a run for slides: the cascade as an animated GIF (MP4 where ffmpeg exists) and the
adoption curve as PNG. Matplotlib only (no Mesa calls beyond stepping the model).

The run is replayed from day 0 with the same knobs (the engine is deterministic), so the file
shows exactly what the page showed.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.teach.figures import SEED_PALETTE, STATE_COLOURS, Picture

FORMATS = (".gif", ".mp4", ".png")


def replay(knobs: dict, days: int | None = None):
    """A fresh model with ``knobs`` stepped to ``days`` (the end when None), and the drawn
    agents' state codes and origins on every day from 0: (model, picture, codes, origins)."""
    from sim.teach.model import InfluenceModel

    model = InfluenceModel(**knobs)
    picture = Picture(model)
    last = model.days if days is None else min(int(days), model.days)
    codes = [model.state_codes()[picture.nodes]]
    origins = [model.simulation.origin[picture.nodes].copy()]
    while model.day < last:
        model.step()
        codes.append(model.state_codes()[picture.nodes])
        origins.append(model.simulation.origin[picture.nodes].copy())
    return model, picture, np.array(codes), np.array(origins)


def _colours(codes, origins, colour_by):
    if colour_by == "state":
        return np.array(STATE_COLOURS)[codes]
    palette = np.array(SEED_PALETTE)
    out = np.where(origins >= 0, palette[np.maximum(origins, 0) % len(palette)], STATE_COLOURS[0])
    return np.where(codes == 0, STATE_COLOURS[0], out)


def animation_file(
    knobs: dict, path: str | Path, days: int | None = None, *, colour_by="state", fps: int = 4
) -> Path:
    """Write the run as an animated GIF, or MP4 when ``path`` ends in .mp4 (needs ffmpeg)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter

    path = Path(path)
    if path.suffix not in (".gif", ".mp4"):
        raise InputError(f"export: an animation is .gif or .mp4, got {path.name!r}")
    if path.suffix == ".mp4" and shutil.which("ffmpeg") is None:
        raise InputError("export: MP4 needs ffmpeg on the PATH; write a .gif instead")
    model, picture, codes, origins = replay(knobs, days)
    xy = picture.positions
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    edges = picture.edges
    if len(edges):
        segments = np.stack([xy[edges[:, 0]], xy[edges[:, 1]]], axis=1)
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection(segments, colors="#9aa0a6", linewidths=0.3, alpha=0.3))
    size = 8 if picture.nodes.size > 800 else 18
    dots = ax.scatter(xy[:, 0], xy[:, 1], s=size, c=_colours(codes[0], origins[0], colour_by))
    ax.set_axis_off()
    table = model.curve
    bx.set_xlim(0, model.days)
    bx.set_ylim(0, max(int(table["aware"].max()), 1) * 1.05)
    bx.set_xlabel("day")
    bx.set_ylabel("agents")
    (adopted_line,) = bx.plot([], [], color=STATE_COLOURS[2], label="adopted")
    (aware_line,) = bx.plot([], [], color=STATE_COLOURS[1], label="aware")
    bx.legend(loc="upper left")
    title = fig.suptitle("")
    fig.tight_layout()

    def frame(t):
        dots.set_color(_colours(codes[t], origins[t], colour_by))
        adopted_line.set_data(table["day"][: t + 1], table["adopted"][: t + 1])
        aware_line.set_data(table["day"][: t + 1], table["aware"][: t + 1])
        title.set_text(
            f"{model.spec.name}: {model.strategy_name}, day {t}, "
            f"{int(table['adopted'].iloc[t])} adopted"
        )
        return dots, adopted_line, aware_line, title

    animation = FuncAnimation(fig, frame, frames=len(codes), blit=False)
    writer = PillowWriter(fps=fps) if path.suffix == ".gif" else FFMpegWriter(fps=fps)
    path.parent.mkdir(parents=True, exist_ok=True)
    animation.save(path, writer=writer)
    plt.close(fig)
    return path


def curve_png(model, path: str | Path | None = None) -> bytes:
    """The model's adoption curve so far as PNG bytes (also written to ``path`` if given)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    table = model.curve
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(table["day"], table["adopted"], color=STATE_COLOURS[2], label="adopted")
    ax.plot(table["day"], table["aware"], color=STATE_COLOURS[1], label="aware")
    ax.set_xlim(0, model.days)
    ax.set_xlabel("day")
    ax.set_ylabel("agents")
    ax.set_title(f"{model.spec.name}: {model.strategy_name}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def animation_bytes(knobs: dict, days: int | None = None, colour_by: str = "state") -> bytes:
    """The GIF of :func:`animation_file` as bytes (for the page's download button)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "run.gif"
        animation_file(knobs, target, days, colour_by=colour_by)
        return target.read_bytes()


def export(path: str | Path, knobs: dict) -> Path:
    """``influence-sim teach --export FILE SCENARIO``: the whole run as GIF/MP4, or the final
    curve as PNG, chosen by the file's suffix."""
    path = Path(path)
    if path.suffix not in FORMATS:
        raise InputError(f"export: FILE must end in .gif, .mp4 or .png, got {path.name!r}")
    if path.suffix == ".png":
        model, *_ = replay(knobs)
        path.parent.mkdir(parents=True, exist_ok=True)
        curve_png(model, path)
        return path
    return animation_file(knobs, path)
