"""Reading the workflow's CSV tables back, refusing any that was not written whole.

Every table a rule reads passes ``read_table``: its bytes decode as UTF-8, it parses as CSV,
it ends with a newline (a table cut in the middle of a row does not), and it holds rows.

A run's own table (one kind of ``RUN_TABLES``) passes ``read_runs`` as well, which knows
what a finished run writes:

- its header is the run's identity columns (``identity.identity_columns``), then the
  kind's own columns, in the writer's order;
- every column has its type: integers, numbers, ``True``/``False`` or text, with no value
  missing, and numbers finite unless the kind allows otherwise;
- the identity is one run's (one protocol, architecture, seed, variant and learning rate),
  or, for a file of several runs, one per protocol and architecture it must hold;
- its rows are exactly the ones that run writes: with ``E`` epochs and hidden layers
  ``1 .. H``, for example, one row per epoch ``1 .. E``, or one per epoch ``0 .. E`` and
  layer ``1 .. H``;
- no two files hold the same run.

A table that fails is refused with ``DamagedTable``, which names the file, what is wrong,
and the fix: ``snakemake --forcerun <file>``, which reruns the job that writes it and the
jobs after it. (Deleting the file is not enough: Snakemake writes a missing file again only
when a job after it must run.)
"""

import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api import types

from ..model.identity import IDENTITY_TYPES, identity_columns
from ..model.network import parse_architecture


class DamagedTable(ValueError):
    """A table that is not what the job that writes it writes: cut short, damaged, or of
    another run or configuration."""

    def __init__(self, path, problem: str):
        super().__init__(
            f"{path}: {problem}. It is not what the job that writes it writes. Run that job "
            f"and the ones after it again: snakemake --forcerun {path} (with your other "
            f"options, such as --cores)"
        )


def read_table(path) -> pd.DataFrame:
    """The table at ``path``, as pandas reads it, once its bytes are known to be whole: UTF-8,
    CSV, ending with a newline, with at least one row; else ``DamagedTable``."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DamagedTable(path, f"byte {error.start} is not UTF-8 text") from None
    if not text.endswith("\n"):
        raise DamagedTable(path, "its last row ends without a newline (cut short?)")
    try:
        table = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DamagedTable(path, f"it is not a CSV table ({error})".replace("\n", " ")) from None
    if table.empty:
        raise DamagedTable(path, "it holds a header and no rows")
    return table


# the rows a run writes, from its hidden layers' widths and its number of epochs: each row
# as the values of the kind's key columns
Rows = Callable[[tuple[int, ...], int], Iterable[tuple]]


@dataclass(frozen=True)
class RunTable:
    """One kind of a run's table: its own ``columns`` (name -> type: ``int``, ``float``,
    ``bool`` or ``str``) after the identity, the ``keys`` among them that tell its rows
    apart, the ``rows`` a finished run writes (their key values), and the float columns
    that may hold ``non_finite`` values."""

    columns: dict[str, type]
    keys: tuple[str, ...]
    rows: Rows
    non_finite: tuple[str, ...] = ()


def _epochs_and_layers(widths, epochs):
    return [(e, layer) for e in range(epochs + 1) for layer in range(1, len(widths) + 1)]


def _one_row(widths, epochs):
    return [()]


# Per kind, the table of one run (its file's name ends in ``.<kind>.csv``, the search's in
# ``.csv``), as ``experiments.protocols``, ``learning_rates`` and ``depth_runs`` write it.
RUN_TABLES = {
    # protocol A, after every epoch 1 .. E
    "epochs": RunTable(
        {
            "epoch": int,
            "val_accuracy": float,
            "val_cost": float,
            "train_cost": float,
            "seconds": float,
        },
        ("epoch",),
        lambda widths, epochs: [(epoch,) for epoch in range(1, epochs + 1)],
    ),
    # protocols A and B: ||dC/db^l|| per hidden layer at initialisation (epoch 0) and after
    # every epoch
    "speed": RunTable(
        {"epoch": int, "layer": int, "grad_norm": float}, ("epoch", "layer"), _epochs_and_layers
    ),
    # protocol A: the activations of every hidden layer at epochs 0 .. E
    "saturation": RunTable(
        {
            "epoch": int,
            "layer": int,
            "activation_mean": float,
            "activation_std": float,
            "activation_p98": float,
            "saturated_fraction": float,
        },
        ("epoch", "layer"),
        _epochs_and_layers,
    ),
    # protocol A: the test accuracy after the last epoch
    "test": RunTable({"test_accuracy": float}, (), _one_row),
    # protocol B: dC/db of every hidden neuron at initialisation
    "gradient_at_init": RunTable(
        {"layer": int, "neuron": int, "grad_bias": float},
        ("layer", "neuron"),
        lambda widths, epochs: [
            (layer, neuron)
            for layer, width in enumerate(widths, start=1)
            for neuron in range(width)
        ],
    ),
    # the learning-rate search: one row, val_accuracy NaN if the run diverged
    "search": RunTable(
        {"epochs": int, "val_accuracy": float, "diverged": bool},
        (),
        _one_row,
        non_finite=("val_accuracy",),
    ),
    # the depth sweep: the backward factors of hidden layers 2 .. H (-inf: a factor of 0)
    "factors": RunTable(
        {
            "layer": int,
            "mean_abs_factor": float,
            "mean_log10_factor": float,
            "rms_factor": float,
        },
        ("layer",),
        lambda widths, epochs: [(layer,) for layer in range(2, len(widths) + 1)],
        non_finite=("mean_log10_factor",),
    ),
}

# the identity columns that hold one value in every file, whatever runs it holds
_ONE_PER_FILE = ("variant", "eta", "seed")


def read_runs(
    paths: list, kind: str, epochs: dict[str, int], architectures: list[str] | None = None
) -> pd.DataFrame:
    """The tables of ``kind`` (a key of ``RUN_TABLES``) at ``paths`` stacked into one, each
    checked to be whole (``read_table``) and to hold what its runs write (module docstring).

    ``epochs`` maps each protocol the files may hold to the epochs its runs train. A file
    holds one run, unless ``architectures`` is given: then it holds one run per protocol in
    ``epochs`` and architecture in ``architectures`` (the depth sweep's, of one variant and
    seed)."""
    run_table = RUN_TABLES[kind]
    tables, holders = [], {}
    for path in paths:
        table = read_table(path)
        _check_columns(path, table, run_table)
        runs = _check_runs(path, table, epochs, architectures)
        _check_rows(path, table, run_table, runs, epochs)
        for run in runs:
            identity = (*run, *table.iloc[0][[c for c in _ONE_PER_FILE if c in table]])
            if identity in holders:
                raise DamagedTable(
                    path, f"it holds a run that {holders[identity]} holds too ({_label(identity)})"
                )
            holders[identity] = path
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _label(values: Iterable) -> str:
    return " ".join(str(value) for value in values)


def _check_columns(path, table: pd.DataFrame, run_table: RunTable) -> None:
    """The header is an identity's columns then the kind's own; every value has its type."""
    header = tuple(table.columns)
    own = tuple(run_table.columns)
    forms = [identity_columns(variant, eta) for variant in (False, True) for eta in (False, True)]
    if not any(header == (*form, *own) for form in forms):
        raise DamagedTable(
            path,
            f"its columns are {', '.join(header)}; a run of this kind writes "
            f"{', '.join(identity_columns())} (with a variant's and a learning rate's columns "
            f"after protocol when it has them), then {', '.join(own)}",
        )
    missing = table.isna().to_numpy()
    for index, column in enumerate(header):
        wanted = IDENTITY_TYPES.get(column) or run_table.columns[column]
        values = table[column]
        may_be_nan = wanted is float and column in run_table.non_finite
        if missing[:, index].any() and not may_be_nan:
            line = int(np.flatnonzero(missing[:, index])[0]) + 2
            raise DamagedTable(path, f"column {column} has no value on line {line}")
        if not _HAS_TYPE[wanted](values):
            raise DamagedTable(
                path, f"column {column} holds values that are not {_TYPE_NAMES[wanted]}"
            )
        if wanted is float and column not in run_table.non_finite:
            if not np.isfinite(values.to_numpy(dtype=float)).all():
                raise DamagedTable(path, f"column {column} holds a value that is not finite")


_TYPE_NAMES = {int: "integers", float: "numbers", bool: "True or False", str: "text"}
# whether a column pandas read holds values of a type: CSV text that is neither a number nor
# True/False is read as strings, and an empty field as missing
_HAS_TYPE = {
    int: types.is_integer_dtype,
    float: lambda values: types.is_numeric_dtype(values) and not types.is_bool_dtype(values),
    bool: types.is_bool_dtype,
    str: types.is_string_dtype,
}


def _check_runs(path, table, epochs: dict, architectures) -> list[tuple[str, str]]:
    """The runs (protocol, architecture) the file must hold; the ones it holds are among them."""
    for column in _ONE_PER_FILE:
        if column in table and table[column].nunique() > 1:
            raise DamagedTable(path, f"its rows are of several runs: column {column} varies")
    held = sorted(set(zip(table["protocol"], table["architecture"])))
    if architectures is None:
        if len(held) > 1:
            raise DamagedTable(path, f"it holds {len(held)} runs where one run wrote it")
        expected = [run for run in held if run[0] in epochs]
    else:
        expected = sorted((protocol, a) for protocol in epochs for a in architectures)
    foreign = sorted(set(held) - set(expected))
    if foreign:
        raise DamagedTable(
            path,
            f"it holds the run {_label(foreign[0])} (protocol, architecture), which this "
            f"configuration does not train here",
        )
    for _, architecture in expected:
        try:
            parse_architecture(architecture)
        except ValueError as error:
            raise DamagedTable(path, str(error)) from None
    return expected


def _check_rows(path, table, run_table: RunTable, runs, epochs: dict) -> None:
    """The rows are exactly the ones the runs write: each key once, none missing."""
    columns = ["protocol", "architecture", *run_table.keys]
    found = Counter(map(tuple, table[columns].itertuples(index=False)))
    expected = Counter(
        (protocol, architecture, *row)
        for protocol, architecture in runs
        for row in run_table.rows(parse_architecture(architecture)[1:-1], epochs[protocol])
    )
    repeated = [row for row, count in found.items() if count > 1]
    missing, extra = sorted(expected - found), sorted(set(found) - set(expected))
    name = ", ".join(columns)
    if repeated:
        raise DamagedTable(path, f"the row {name} = {_label(repeated[0])} appears twice")
    if missing:
        raise DamagedTable(
            path,
            f"it holds {len(table)} of the {expected.total()} rows its runs write; the first "
            f"missing is {name} = {_label(missing[0])}",
        )
    if extra:
        raise DamagedTable(
            path,
            f"it has a row no run of this configuration writes: {name} = {_label(extra[0])} "
            f"(a table from another configuration?)",
        )
