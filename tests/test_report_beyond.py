"""The "Beyond the chapter" section: its tables are the analysis run on small synthetic
per-run rows, and the section must show their numbers and verdicts, not decide its own."""

import io
import re

import numpy as np
import pandas as pd
import pytest

import test_depth_sweep as planted_sweep
from vanishing_gradient.experiments import chain
from vanishing_gradient.analysis import depth_sweep, learning_rates
from vanishing_gradient.analysis import accuracy as accuracy_tables
from vanishing_gradient.analysis import saturation as saturation_tables
from vanishing_gradient.analysis import speed as speed_tables
from vanishing_gradient.analysis import summary_rows
from vanishing_gradient.analysis.saturation import GLOROT_BENGIO_VARIANT
from vanishing_gradient.analysis import variant_verdicts
from vanishing_gradient.model.identity import variant_columns
from vanishing_gradient.report.beyond import render_beyond
from vanishing_gradient.report.depth_sweep import slope_verdict, sweep_remedies_text
from vanishing_gradient.report.remedies import HELPS_TEXT
from vanishing_gradient.report.saturation import NETWORK_SETTING_TEXT, SATURATION_VERDICT_TEXT
from vanishing_gradient.report.verdicts import (
    SPEED_VERDICT_TEXT,
    VERDICT_HEADINGS,
    accuracy_verdict,
)
from vanishing_gradient.figures.labels import num
from vanishing_gradient.report.formatting import interval, p_text, pct

SEEDS = [1, 2, 3]
BASELINE = "sigmoid-default-sgd"
# variant -> (last/first hidden-layer speed ratio of every seed, final accuracy per seed)
VARIANTS = {
    "sigmoid-default-sgd": (80.0, [0.960, 0.962, 0.964]),
    "tanh-glorot-sgd": (1.2, [0.970, 0.971, 0.975]),
    "sigmoid-large-sgd": (320.0, [0.900, 0.910, 0.920]),
    "tanh-default-sgd": (3.5, [0.963, 0.965, 0.967]),
    "relu-he-nesterov": (0.2, [0.972, 0.973, 0.977]),
    "sigmoid-default-sgd-clip": (85.0, [0.960, 0.962, 0.964]),
    "relu-he-adam-residual-batchnorm": (2.0, [0.975, 0.977, 0.978]),
}
BOOK_ETA = 0.1
# At each variant's selected learning rate: the large weights' accuracy loss and the
# exploding gradient of Nesterov's momentum vanish, each at its own eta.
TUNED = {
    **VARIANTS,
    "sigmoid-large-sgd": (320.0, [0.961, 0.963, 0.965]),
    "relu-he-nesterov": (1.5, [0.972, 0.973, 0.977]),
}
TUNED_ETAS = {"sigmoid-large-sgd": 0.03, "relu-he-nesterov": 0.01}
GRID = [0.01, 0.03, 0.1, 0.3, 1.0]
FIGURES = {
    name: {"path": f"figures/{name}.png", "caption": f"Caption of {name}."}
    for name in (
        "learning_rates",
        "variant_speed_tuned",
        "ratio_heatmap_tuned",
        "variant_accuracy_tuned",
        "variant_speed_book",
        "ratio_heatmap_book",
        "variant_accuracy_book",
        "saturation_book",
        "chain_vanishing",
        "chain_exploding",
        "unstable_width",
    )
}
TUNED_HEADING = "### Speed ratio and accuracy at each variant's selected learning rate"
BOOK_HEADING = "### Speed ratio and accuracy at the book's learning rate"
SETTINGS = {
    "architecture": "784-30-30-30-30-10",
    "accuracy_seeds": SEEDS,
    "speed_seeds": SEEDS,
    "accuracy_epochs": 3,
    "speed_epochs": 4,
    "momentum": 0.85,
    "momentum_schedule": False,
    "adam_eta": 0.002,
    "clip_threshold": 1.5,
    "baseline": BASELINE,
    "selection_seeds": [101, 102],
    "eta_factors": [0.1, 0.3, 1, 3, 10],
    "accuracy": {
        "training_size": 50000,
        "mini_batch_size": 10,
        "eta": 0.1,
        "lmbda": 5.0,
        "probe_size": 1000,
    },
    "speed": {"training_size": 1000, "mini_batch_size": 1000, "eta": 0.1, "lmbda": 5.0},
}


def _through_csv(table: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(table.to_csv(index=False)))


# Per seed, the top hidden layer's (mean, std) of its activations after every epoch >= 1: the
# book's setting stays away from 0, Glorot & Bengio's setting goes near 0 in every seed.
TOP_AFTER_FIRST = {BASELINE: [(0.3, 0.2)] * 3, GLOROT_BENGIO_VARIANT: [(0.04, 0.03)] * 3}


def saturation_rows(identity: dict, top_after_first: list) -> list[dict]:
    """Two hidden layers at epochs 0 .. 3 of one variant's seeds; the top layer after epoch
    0 at that seed's (mean, std) of ``top_after_first`` when given."""
    rows = []
    for seed, top in zip(SEEDS, top_after_first or [None] * len(SEEDS)):
        for epoch in range(4):
            for layer in (1, 2):
                mean, std, fraction = 0.45, 0.2, 0.2
                if top and layer == 2 and epoch >= 1:
                    (mean, std), fraction = top, 0.87
                rows.append(
                    {
                        **identity,
                        "architecture": "784-30-30-10",
                        "seed": seed,
                        "epoch": epoch,
                        "layer": layer,
                        "activation_mean": mean,
                        "activation_std": std,
                        "activation_p98": mean + 2 * std,
                        "saturated_fraction": fraction,
                    }
                )
    return rows


def per_run_rows(
    top_after_first: dict = TOP_AFTER_FIRST, variants: dict = VARIANTS, etas: dict = {}
):
    """Per-run rows of every variant and seed: accuracy by epoch, test accuracy, protocol B
    speeds (layer l at 0.01 x ratio^((l - 1)/3)), saturation of two hidden layers (of
    Glorot & Bengio's setting too); each variant at its eta in ``etas``, else the book's."""
    epochs, tests, speed, saturation = [], [], [], []
    for variant, (ratio, finals) in variants.items():
        identity = {**variant_columns(variant), "eta": etas.get(variant, BOOK_ETA)}
        saturation += saturation_rows(identity, top_after_first.get(variant))
        for seed, final in zip(SEEDS, finals):
            run = {**identity, "seed": seed}
            epochs += [
                {**run, "epoch": e, "val_accuracy": final - 0.01 * (3 - e)} for e in (1, 2, 3)
            ]
            tests.append({**run, "test_accuracy": final - 0.001})
            speed += [
                {
                    "protocol": "B",
                    **run,
                    "epoch": e,
                    "layer": layer,
                    "grad_norm": 0.01 * seed * ratio ** ((layer - 1) / 3) / (1 + e),
                }
                for e in range(5)
                for layer in (1, 2, 3, 4)
            ]
    if GLOROT_BENGIO_VARIANT in top_after_first:
        identity = {**variant_columns(GLOROT_BENGIO_VARIANT), "eta": BOOK_ETA}
        saturation += saturation_rows(identity, top_after_first[GLOROT_BENGIO_VARIANT])
    return pd.DataFrame(epochs), pd.DataFrame(tests), pd.DataFrame(speed), pd.DataFrame(saturation)


def setting_tables(setting: str, variants: dict, etas: dict, **saturation) -> dict:
    """The ablation's tables of one setting, named as the report reads them."""
    keys = summary_rows.BY_VARIANT_AND_ETA
    by_epoch, tests, speed, per_run_saturation = per_run_rows(
        variants=variants, etas=etas, **saturation
    )
    runs = accuracy_tables.accuracy_by_run(by_epoch, tests, keys)
    speed_ratio = speed_tables.speed_ratio(speed, keys)
    saturation_summary = saturation_tables.saturation_summary(per_run_saturation, keys)
    tables = {
        f"{setting}_ablation_accuracy_summary": accuracy_tables.accuracy_spread(runs, keys),
        f"{setting}_ablation_speed_ratio": speed_ratio,
        f"{setting}_variant_comparison": variant_verdicts.variant_comparison(
            runs, speed_ratio, BASELINE
        ),
    }
    if setting == "book":
        tables["ablation_saturation_summary"] = saturation_summary
        tables["ablation_saturation_check"] = saturation_tables.saturation_check(
            per_run_saturation, BASELINE
        )
    return tables


def search_runs() -> pd.DataFrame:
    """The search's runs: each variant's validation accuracy peaks at its tuned eta (the
    book's where it has none), falling by a point per decade; relu-he-nesterov's peak is the
    grid's smallest eta, and its largest diverged."""
    rows = []
    for variant in VARIANTS:
        peak = TUNED_ETAS.get(variant, BOOK_ETA)
        for eta in GRID:
            for seed, noise in ((101, -0.0005), (102, 0.0005)):
                diverged = variant == "relu-he-nesterov" and eta == GRID[-1]
                accuracy = 0.95 - 0.01 * abs(np.log10(eta / peak)) + noise
                rows.append(
                    {
                        **variant_columns(variant),
                        "eta": eta,
                        "seed": seed,
                        "val_accuracy": np.nan if diverged else accuracy,
                        "diverged": diverged,
                    }
                )
    return pd.DataFrame(rows)


def beyond_tables(**saturation) -> dict[str, pd.DataFrame]:
    chain_tables = chain.chain_tables(
        max_depth=5, samples=100, seed=0, weight_scale=1.0, exploding_weight=100.0
    )
    tables = {
        **setting_tables("tuned", TUNED, TUNED_ETAS),
        **setting_tables("book", VARIANTS, {}, **saturation),
        "learning_rates": learning_rates.learning_rates(
            search_runs(), dict.fromkeys(VARIANTS, BOOK_ETA)
        ),
        "chain_summary": chain_tables["summary"],
        "chain_exploding": chain_tables["exploding"],
        "unstable_width": chain_tables["unstable_width"],
    }
    tables["verdict_changes"] = learning_rates.verdict_changes(
        tables["book_variant_comparison"], tables["tuned_variant_comparison"]
    )
    return {name: _through_csv(table) for name, table in tables.items()}


@pytest.fixture(scope="module")
def tables():
    return beyond_tables()


@pytest.fixture(scope="module")
def section(tables) -> str:
    return render_beyond(tables, FIGURES, SETTINGS)


def _block(text: str, heading: str) -> str:
    """The text after ``heading`` up to the next bold heading, section or figure."""
    rest = text[text.index(heading) + len(heading) :]
    end = min((rest.index(m) for m in ("**", "\n#", "![") if m in rest), default=len(rest))
    return rest[:end]


def setting_block(section: str, setting: str) -> str:
    """The results of one setting: from its heading to the next heading of its level."""
    heading = {"tuned": TUNED_HEADING, "book": BOOK_HEADING}[setting]
    rest = section.split(heading)[1]
    return rest.split("\n### ")[0]


@pytest.mark.parametrize("setting", ["tuned", "book"])
def test_table_lists_every_variant_in_order_baseline_marked(section, tables, setting):
    assert section.startswith("## Beyond the chapter")
    table = setting_block(section, setting).split("\n\n")[1]
    rows = re.findall(r"^\| ([a-z]+-[a-z-]+)( \(baseline\))? \| ([^|]+) \|", table, re.MULTILINE)
    assert [name for name, _, _ in rows] == list(VARIANTS)
    assert [name for name, marked, _ in rows if marked] == [BASELINE]
    etas = {"tuned": TUNED_ETAS, "book": {}}[setting]
    assert [float(eta) for _, _, eta in rows] == [etas.get(v, BOOK_ETA) for v in VARIANTS]


def test_each_variant_under_the_heading_of_its_verdict(section, tables):
    section = setting_block(section, "book")
    comparison = tables["book_variant_comparison"]
    assert comparison["verdict"].tolist() == [
        "removed",
        "worse",
        "reduced",
        "reversed",
        "worse",
        "removed",
    ]
    for _, r in comparison.iterrows():
        block = _block(section, VERDICT_HEADINGS[r["verdict"]])
        assert re.search(rf"^- {r['variant']} \(η = 0.1\):", block, re.MULTILINE)
    assert "**Make it worse than the baseline**" in section


def test_bullets_show_the_tables_p_values_and_verdicts(section, tables):
    section = setting_block(section, "book")
    for _, r in tables["book_variant_comparison"].iterrows():
        bullet = next(
            line for line in section.splitlines() if line.startswith(f"- {r['variant']} (η")
        )
        assert f"p = {p_text(r['p_value'])}, Holm-adjusted {p_text(r['p_holm'])}" in bullet
        assert bullet.endswith(accuracy_verdict(r) + ".")
        if r["accuracy_verdict"] == "within_seed_spread":
            assert bullet.endswith(
                f"not larger than the seed spread; with {int(r['n_seeds'])} and "
                f"{int(r['n_baseline'])} seeds a difference below "
                f"{pct(r['detectable_difference'])} percentage points could not have been detected."
            )
    comparison = tables["book_variant_comparison"]
    assert (comparison["accuracy_verdict"] == "within_seed_spread").any()
    large = comparison.set_index("variant").loc["sigmoid-large-sgd"]
    assert large["accuracy_verdict"] == "lower" and large["ratio_fold_change"] == pytest.approx(4.0)
    assert "- sigmoid-large-sgd (η = 0.1): median training ratio 320, 4 times the baseline's" in (
        section
    )


def test_remedies_say_what_they_did_and_which_fail_to_help(section, tables):
    block = setting_block(section, "book")
    block = block.split("#### The remedies of the last decade")[1].split("![")[0]
    comparison = tables["book_variant_comparison"].set_index("variant")
    clip = comparison.loc["sigmoid-default-sgd-clip"]
    assert clip["helps"] == "neither" and not clip["imbalance_below_baseline_range"]
    modern = comparison.loc["relu-he-adam-residual-batchnorm"]
    assert modern["helps"] == "speed and accuracy"
    bullets = {line.split(" ")[1]: line for line in block.splitlines() if line.startswith("- ")}
    assert list(bullets) == ["sigmoid-default-sgd-clip", "relu-he-adam-residual-batchnorm"]
    assert "(gradient-norm clipping at c = 1.5)" in bullets["sigmoid-default-sgd-clip"]
    assert clip["accuracy_verdict"] == "within_seed_spread"
    assert bullets["sigmoid-default-sgd-clip"].endswith(
        f"{HELPS_TEXT['neither']} (accuracy: {accuracy_verdict(clip)})."
    )
    assert (
        "(Adam, residual connections, batch normalisation)"
        in bullets["relu-he-adam-residual-batchnorm"]
    )
    for name, bullet in bullets.items():
        r = comparison.loc[name]
        assert f"Holm-adjusted p = {p_text(r['p_holm'])}" in bullet
        assert f"{pct(r['accuracy_difference'], signed=True)} percentage points" in bullet
        assert f"interval {interval(r['ci_low'], r['ci_high'])}" in bullet
    assert "Failing to help: sigmoid-default-sgd-clip." in block
    assert "η = 0.002 in place of the protocols' η" in section
    assert "- clip: gradient-norm clipping" in section and "c = 1.5" in section


def test_saturation_verdicts_of_both_settings_are_the_tables(section, tables):
    checks = tables["ablation_saturation_check"].set_index("network_setting")
    assert checks["verdict"].to_dict() == {"book": "not_shown", "glorot_bengio": "shown"}
    block = section.split("### Saturation of the hidden layers")[1].split("![")[0]
    bullets = [line for line in block.splitlines() if line.startswith("- **")]
    assert len(bullets) == 2
    for bullet, (setting, check) in zip(bullets, checks.iterrows()):
        assert bullet.startswith(f"- **{NETWORK_SETTING_TEXT[setting]}**, {check['variant']}")
        assert f"({check['description']}; η = 0.1)" in bullet
        assert SATURATION_VERDICT_TEXT[check["verdict"]] + "." in bullet
        assert f"{check['n_seeds_shown']} of 3 seeds" in bullet
    assert "4 hidden layers" not in block and "2 hidden layers of 30 units" in block
    paper = checks.loc["glorot_bengio"]
    assert f"mean activation is below {paper['mean_threshold']}" in block
    assert f"is below {paper['std_threshold']}." in block
    assert "sigmoid-standard-sgd | 2 | 1 | 0.04 | 0.03 | 0.1 |" in block  # mean, std, p98
    one_seed_off = {**TOP_AFTER_FIRST, GLOROT_BENGIO_VARIANT: [(0.04, 0.03)] * 2 + [(0.04, 0.2)]}
    for top_after_first, verdict in ((one_seed_off, "partly_shown"), (TOP_AFTER_FIRST, "shown")):
        changed = beyond_tables(top_after_first=top_after_first)
        check = changed["ablation_saturation_check"].set_index("network_setting")
        assert check.loc["glorot_bengio", "verdict"] == verdict
        text = render_beyond(changed, FIGURES, SETTINGS)
        assert f"{SATURATION_VERDICT_TEXT[verdict]}. After epoch 1" in text
    book_only = beyond_tables(top_after_first={BASELINE: TOP_AFTER_FIRST[BASELINE]})
    assert book_only["ablation_saturation_check"]["network_setting"].tolist() == ["book"]
    text = render_beyond(book_only, FIGURES, SETTINGS)
    assert f"add {GLOROT_BENGIO_VARIANT} to `ablation.variants`" in text


def test_chain_agreement_is_the_tables(section, tables):
    assert tables["chain_exploding"]["within_tolerance"].all()
    assert "the two agree to within" in section
    wrong = dict(tables)
    wrong["chain_exploding"] = tables["chain_exploding"].assign(
        within_tolerance=[True] * 4 + [False]
    )
    assert "the two do not agree" in render_beyond(wrong, FIGURES, SETTINGS)
    deepest = tables["chain_summary"].iloc[-1]
    assert ("below the bound" in section) == bool(deepest["below_bound"])


def sweep_tables(chain_per_layer: float) -> dict[str, pd.DataFrame]:
    """The depth sweep's tables from the planted per-run rows of test_depth_sweep."""
    by_run = depth_sweep.log_ratio_by_run(planted_sweep.speed_rows())
    factors = depth_sweep.per_layer_factor(
        by_run,
        planted_sweep.factor_rows(-0.73, 10**-0.735),
        planted_sweep.chain_rows(chain_per_layer),
    )
    return {
        "depth_sweep_summary": _through_csv(depth_sweep.depth_sweep_summary(by_run)),
        "per_layer_factor": _through_csv(factors),
    }


SWEEP_SETTINGS = {
    **SETTINGS,
    "speed_seeds": planted_sweep.SEEDS,
    "depth_sweep": {
        "hidden_layers": planted_sweep.DEPTHS,
        "width": 30,
        "variants": list(planted_sweep.PLANTED),
        "speed_epochs": 3,
        "accuracy_epochs": 3,
        "accuracy_training_size": 5000,
    },
    "chain": {"weight_scale": 1.0},
}


def test_depth_sweep_shows_the_tables_factors_tests_and_predictions(tables):
    sweep = sweep_tables(chain_per_layer=-1.0)
    section = render_beyond({**tables, **sweep}, FIGURES, SWEEP_SETTINGS)
    text = section.split("### How fast the gradient vanishes per layer: the depth sweep")[1]
    for _, r in sweep["per_layer_factor"].iterrows():
        cell = f"×{num(r['factor'])} [{num(r['factor_ci_low'])}, {num(r['factor_ci_high'])}]"
        verdict = f"{p_text(r['p_value'])}; {p_text(r['p_holm'])}: {slope_verdict(r)}"
        assert re.search(
            rf"^\| {r['variant']} \| [^|]+ \| {re.escape(cell)} \(n = 4\) \| {re.escape(verdict)} \|",
            text,
            re.MULTILINE,
        )
    assert "The chain's prediction lies outside the 95 % interval of every row" in text
    assert "The width-aware prediction lies inside the 95 % interval of 3 of 6 rows" in text
    assert "seeds 1, 2, 3, 4 (4 seeds per fit)" in text and "3 epochs" in text
    assert "Fewer than the" not in text
    short = dict(sweep)
    short["per_layer_factor"] = sweep["per_layer_factor"].assign(n_seeds=[4, 4, 4, 4, 4, 3])
    text = render_beyond({**tables, **short}, FIGURES, SWEEP_SETTINGS)
    assert (
        "Fewer than the 4 seeds enter 1 of the fits (relu-he-sgd protocol A, median over " in text
    )
    inside = sweep_tables(chain_per_layer=-0.705)  # the sigmoid's planted slope at initialisation
    flags = inside["per_layer_factor"]["chain_in_ci"].astype("boolean")
    assert flags.notna().sum() == 3, "the chain models the sigmoid network's rows alone"
    assert flags.any() and not flags.fillna(False).all()
    text = render_beyond({**tables, **inside}, FIGURES, SWEEP_SETTINGS)
    assert (
        f"The chain's prediction lies inside the 95 % interval of {int(flags.sum())} of 3 rows"
        in text
    )
    assert "given for the variants with plain sigmoid hidden layers" in text
    fits = [
        line.split(" | ")
        for line in text.splitlines()
        if line.startswith("| relu-he-sgd |") and line.count(" | ") == 6  # the table of fits
    ]
    assert len(fits) == 3 and all(cells[5] == "—" for cells in fits)  # no chain prediction


def test_figures_embedded_and_absent_ones_skipped(section, tables):
    for name, figure in FIGURES.items():
        assert f"![{name}]({figure['path']})\n\n*{figure['caption']}*" in section
    fewer = render_beyond(tables, {"variant_speed_book": FIGURES["variant_speed_book"]}, SETTINGS)
    assert fewer.count("![") == 1


REQUIRED = [
    f"{setting}_{name}"
    for setting in ("book", "tuned")
    for name in ("ablation_accuracy_summary", "ablation_speed_ratio", "variant_comparison")
] + ["learning_rates", "verdict_changes"]


def test_optional_tables_skipped(tables):
    text = render_beyond({k: tables[k] for k in REQUIRED}, FIGURES, SETTINGS)
    assert "### Saturation" not in text and "### The chain" not in text


def test_missing_ablation_table_is_named(tables):
    with pytest.raises(ValueError, match="tuned_variant_comparison"):
        render_beyond(
            {k: tables[k] for k in REQUIRED if k != "tuned_variant_comparison"}, FIGURES, SETTINGS
        )


def test_the_search_section_shows_each_selected_eta_and_flags_the_edge(section, tables):
    text = section.split("### Each variant at its own learning rate")[1].split("\n### ")[0]
    chosen = tables["learning_rates"][tables["learning_rates"]["selected"]]
    assert dict(zip(chosen["variant"], chosen["eta"])) == {
        v: TUNED_ETAS.get(v, BOOK_ETA) for v in VARIANTS
    }
    for _, r in chosen.iterrows():
        edge = " (grid edge)" if r["at_grid_edge"] else ""
        assert re.search(
            rf"^\| {r['variant']} \| 0.1 \| {num(r['eta'])}{re.escape(edge)} \|", text, re.M
        )
    assert chosen["at_grid_edge"].tolist().count(True) == 1
    assert "The selected η lies at an edge of its grid for relu-he-nesterov." in text
    assert "The search moved η away from η₀ for 2 of 7 variants." in text
    assert "default learning rate η₀ times 0.1, 0.3, 1, 3, 10" in text
    assert "selection seeds (101, 102)" in text
    assert "![learning_rates](figures/learning_rates.png)" in section


def test_the_changed_verdicts_are_the_tables(section, tables):
    changes = tables["verdict_changes"].set_index("variant")
    changed = changes[changes["accuracy_verdict_changed"] | changes["speed_verdict_changed"]]
    assert list(changed.index) == ["sigmoid-large-sgd", "relu-he-nesterov"]
    assert changes.loc["sigmoid-large-sgd", "tuned_accuracy_verdict"] == "within_seed_spread"
    assert changes.loc["relu-he-nesterov", "tuned_speed_verdict"] == "removed"
    text = section.split("### What the learning rate changes")[1].split("\n### ")[0]
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0][2:] for line in bullets] == list(changed.index)
    assert f"the vanishing gradient {SPEED_VERDICT_TEXT['reversed']} at the book's η = 0.1, " in (
        bullets[1]
    )
    # the list follows the table's flags, whatever the verdicts say
    flipped = dict(tables)
    flipped["verdict_changes"] = tables["verdict_changes"].assign(
        accuracy_verdict_changed=False, speed_verdict_changed=False
    )
    text = render_beyond(flipped, FIGURES, SETTINGS)
    assert "No verdict differs between the book's learning rate" in text
    assert "- sigmoid-large-sgd: accuracy" not in text


def test_the_sweep_names_the_remedies_that_fail_to_stop_the_growth():
    def row(variant, verdict, factor, phase="initialisation", protocol="B", epochs="0"):
        return {
            **variant_columns(variant),
            "protocol": protocol,
            "phase": phase,
            "epochs": epochs,
            "factor": factor,
            "verdict": verdict,
        }

    factors = pd.DataFrame(
        [
            row("sigmoid-default-sgd", "higher", 5.06),  # no remedy: not named
            row("sigmoid-default-adam", "within_seed_spread", 5.1),
            row("sigmoid-default-adam", "higher", 7.0, "training", "A", "1–1"),
            row("sigmoid-default-sgd-residual", "lower", 0.91),
        ]
    )
    text = sweep_remedies_text(factors)
    assert text.startswith(
        "Of the remedies of the last decade, sigmoid-default-adam (protocol A, after epoch 1 ×7) "
        "leave a ratio that grows with depth"
    )
    assert "sigmoid-default-sgd-residual show no such growth" in text
    assert "sigmoid-default-sgd " not in text and "5.06" not in text
    assert sweep_remedies_text(factors.iloc[:1]) == ""
