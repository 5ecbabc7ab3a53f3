"""Reading a run's tables back: each kind, as the protocols write it, is read whole, and the
same table damaged in any of the ways a file gets damaged is refused, naming the file."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vanishing_gradient.analysis.tables import RUN_TABLES, DamagedTable, read_runs, read_table
from vanishing_gradient.experiments.depth_runs import run_depth_sweep, sweep_architecture
from vanishing_gradient.experiments.learning_rates import search_run
from vanishing_gradient.experiments.protocols import (
    Protocol,
    Variant,
    run_accuracy_protocol,
    run_speed_protocol,
)
from vanishing_gradient.model.identity import IDENTITY_TYPES, identity_columns, run_identity

ARCH = "784-5-4-10"
A = Protocol(training_size=60, epochs=2, mini_batch_size=10, eta=0.5, lmbda=1.0)
B = Protocol(training_size=40, epochs=3, mini_batch_size=40, eta=0.1, lmbda=5.0)
SWEEP_DEPTHS, SWEEP_WIDTH = [1, 2], 3
VARIANT = Variant.named("tanh-glorot-sgd")
# the example files the fixture ``written`` writes, one or more of every kind
EXAMPLES = (
    "epochs",
    "accuracy speed",
    "saturation",
    "test",
    "speed",
    "gradient at init",
    "search",
    "sweep speed",
    "sweep factors",
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)

    def draw(n):
        return rng.random((n, 784)).astype(np.float32), rng.integers(0, 10, n).astype(np.uint8)

    arrays = {}
    for split, n in (("train", 60), ("validation", 20), ("test", 20)):
        arrays[f"{split}_images"], arrays[f"{split}_labels"] = draw(n)
    return arrays


@pytest.fixture(scope="module")
def written(tmp_path_factory, data) -> dict:
    """One file of every kind, written as the workflow's scripts write them: name -> (path,
    kind, epochs per protocol, architectures of a file of several runs)."""
    folder = tmp_path_factory.mktemp("runs")
    accuracy = run_accuracy_protocol(ARCH, 1, data, A, probe_size=20, train_cost_size=20)
    speed = run_speed_protocol(ARCH, 1, data, B)
    search = search_run(
        ARCH, 2, data, A, probe_size=20, train_cost_size=20, variant=Variant.named("relu-he-sgd")
    )
    sweep_speed, sweep_factors = run_depth_sweep(
        SWEEP_DEPTHS, SWEEP_WIDTH, 1, data, B, A, probe_size=20, variant=VARIANT
    )
    sweep = [sweep_architecture(depth, SWEEP_WIDTH) for depth in SWEEP_DEPTHS]
    tables = {
        "epochs": (accuracy.epoch_rows.led_by(run_identity("A", ARCH, 1)), "epochs", "A", None),
        "accuracy speed": (
            accuracy.speed_rows.led_by(run_identity("A", ARCH, 1)),
            "speed",
            "A",
            None,
        ),
        "saturation": (
            accuracy.saturation_rows.led_by(run_identity("A", ARCH, 1)),
            "saturation",
            "A",
            None,
        ),
        "test": (accuracy.test_rows.led_by(run_identity("A", ARCH, 1)), "test", "A", None),
        "speed": (speed.speed_rows.led_by(run_identity("B", ARCH, 1)), "speed", "B", None),
        "gradient at init": (
            speed.gradient_at_init_rows.led_by(run_identity("B", ARCH, 1)),
            "gradient_at_init",
            "B",
            None,
        ),
        "search": (search, "search", "A", None),
        "sweep speed": (sweep_speed, "speed", "AB", sweep),
        "sweep factors": (sweep_factors, "factors", "B", sweep),
    }
    files = {}
    for name, (rows, kind, protocols, architectures) in tables.items():
        path = folder / f"{name.replace(' ', '_')}.csv"
        rows.to_csv(path)
        epochs = {protocol: {"A": A.epochs, "B": B.epochs}[protocol] for protocol in protocols}
        files[name] = (path, kind, epochs, architectures)
    return files


def test_every_kind_of_run_table_has_a_written_example(written):
    assert tuple(written) == EXAMPLES
    assert {kind for _, kind, _, _ in written.values()} == set(RUN_TABLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_whole_table_reads_as_pandas_reads_it(written, name):
    path, kind, epochs, architectures = written[name]
    table = read_runs([path], kind, epochs, architectures)
    pd.testing.assert_frame_equal(table, pd.read_csv(path))


def test_a_diverged_search_run_is_a_result_not_damage(written, data, tmp_path):
    diverging = Protocol(training_size=60, epochs=2, mini_batch_size=10, eta=1e308, lmbda=0.0)
    rows = search_run(ARCH, 1, data, diverging, probe_size=20, train_cost_size=20, variant=VARIANT)
    rows.to_csv(tmp_path / "search.csv")
    table = read_runs([tmp_path / "search.csv"], "search", {"A": 2})
    assert table["diverged"].item() and np.isnan(table["val_accuracy"].item())


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def header_only(path):
    path.write_text(lines(path)[0])


def cut_mid_row(path):
    text = path.read_text()
    path.write_text(text[: len(text) - 4])


def last_row_lost(path):
    path.write_text("".join(lines(path)[:-1]))


def undecodable(path):
    data = bytearray(path.read_bytes())
    data[len(lines(path)[0]) + 2] = 0xFF
    path.write_bytes(bytes(data))


def text_in_a_number(path):
    rows = lines(path)
    rows[1] = rows[1].rstrip("\n").rsplit(",", 1)[0] + ",oops\n"
    path.write_text("".join(rows))


def a_value_lost(path):
    rows = lines(path)
    rows[-1] = rows[-1].rstrip("\n").rsplit(",", 1)[0] + ",\n"
    path.write_text("".join(rows))


def a_row_repeated(path):
    rows = lines(path)
    path.write_text("".join([*rows, rows[-1]]))


def a_column_lost(path):
    table = pd.read_csv(path)
    table.drop(columns=table.columns[-1]).to_csv(path, index=False)


DAMAGES = [
    header_only,
    cut_mid_row,
    last_row_lost,
    undecodable,
    text_in_a_number,
    a_value_lost,
    a_row_repeated,
    a_column_lost,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda damage: damage.__name__)
@pytest.mark.parametrize("name", ["epochs", "saturation", "test", "gradient at init", "search"])
def test_a_damaged_run_table_is_refused_naming_the_file(written, name, damage, tmp_path):
    source, kind, epochs, architectures = written[name]
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    damage(path)
    with pytest.raises(DamagedTable) as refused:
        read_runs([path], kind, epochs, architectures)
    assert f"{path}: " in str(refused.value)
    assert f"snakemake --forcerun {path} " in str(refused.value)


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda damage: damage.__name__)
@pytest.mark.parametrize("name", ["accuracy speed", "speed", "sweep speed", "sweep factors"])
def test_a_damaged_speed_or_sweep_table_is_refused(written, name, damage, tmp_path):
    source, kind, epochs, architectures = written[name]
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    damage(path)
    with pytest.raises(DamagedTable, match=str(path)):
        read_runs([path], kind, epochs, architectures)


@pytest.mark.parametrize("name", ["epochs", "speed", "sweep speed"])
def test_a_table_of_another_number_of_epochs_is_refused(written, name):
    path, kind, epochs, architectures = written[name]
    more = {protocol: count + 1 for protocol, count in epochs.items()}
    with pytest.raises(DamagedTable, match="missing"):
        read_runs([path], kind, more, architectures)
    fewer = {protocol: count - 1 for protocol, count in epochs.items()}
    with pytest.raises(DamagedTable, match="another configuration"):
        read_runs([path], kind, fewer, architectures)


def test_a_table_of_the_other_protocol_is_refused(written):
    path, kind, _, _ = written["speed"]
    with pytest.raises(DamagedTable, match="does not train here"):
        read_runs([path], kind, {"A": A.epochs})


def test_a_sweep_missing_a_depth_is_refused(written):
    path, kind, epochs, architectures = written["sweep speed"]
    deeper = [*architectures, sweep_architecture(3, SWEEP_WIDTH)]
    with pytest.raises(DamagedTable, match="missing"):
        read_runs([path], kind, epochs, deeper)


def test_a_run_held_by_two_files_is_refused(written, tmp_path):
    path, kind, epochs, architectures = written["epochs"]
    copy = tmp_path / "seed2.epochs.csv"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(DamagedTable, match=f"{copy}: it holds a run that {path} holds too"):
        read_runs([path, copy], kind, epochs, architectures)


def test_rows_of_two_runs_in_one_file_are_refused(written, tmp_path):
    path, kind, epochs, architectures = written["epochs"]
    table = pd.read_csv(path)
    mixed = tmp_path / "mixed.csv"
    pd.concat([table, table.assign(seed=2)]).to_csv(mixed, index=False)
    with pytest.raises(DamagedTable, match="column seed varies"):
        read_runs([mixed], kind, epochs, architectures)


@pytest.mark.parametrize(
    "damage", [header_only, cut_mid_row, undecodable], ids=lambda damage: damage.__name__
)
def test_any_table_a_rule_reads_is_refused_when_not_whole(written, damage, tmp_path):
    path = tmp_path / "summary.csv"
    path.write_bytes(written["epochs"][0].read_bytes())
    pd.testing.assert_frame_equal(read_table(path), pd.read_csv(path))
    damage(path)
    with pytest.raises(DamagedTable, match=str(path)):
        read_table(path)


@pytest.mark.parametrize(
    "variant, eta", [(None, None), ("relu-he-sgd", None), ("relu-he-sgd", 0.3)]
)
def test_the_identity_columns_checked_are_the_ones_runs_write(variant, eta):
    written = tuple(run_identity("A", ARCH, 1, variant, eta))
    assert written == identity_columns(variant is not None, eta is not None)
    assert set(IDENTITY_TYPES) == set(identity_columns(variant=True, eta=True))
