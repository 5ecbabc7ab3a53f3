"""Saving a figure in every configured format, with reproducible bytes where possible."""

from pathlib import Path

from matplotlib.figure import Figure


def save_figure(figure: Figure, paths: list[str], dpi: int) -> None:
    """Write ``figure`` to each path (format from the suffix) at ``dpi``.

    The creation date is left out of SVG and PDF metadata so that a rerun with the same
    tables gives the same files.
    """
    for path in paths:
        fmt = Path(path).suffix.lstrip(".")
        metadata = {"Date": None} if fmt in ("svg", "pdf") else None
        figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata=metadata)
