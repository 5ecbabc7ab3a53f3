# Target lists and wildcard constraints shared by the rule files.

import math
from itertools import product
from pathlib import Path

from snakemake.logging import logger

import pandas as pd

from vanishing_gradient.analysis.learning_rates import SETTINGS, selected_etas
from vanishing_gradient.analysis.saturation import GLOROT_BENGIO_VARIANT
from vanishing_gradient.data.mnist import MNIST_FILES
from vanishing_gradient.experiments.depth_runs import sweep_architecture
from vanishing_gradient.experiments.learning_rates import (
    default_eta,
    eta_grid,
    eta_text,
)
from vanishing_gradient.model.activations import ACTIVATIONS
from vanishing_gradient.model.identity import (
    REMEDY_COLUMNS,
    check_variant,
    variant_columns,
    variant_name,
)
from vanishing_gradient.model.initialisers import INITIALISERS
from vanishing_gradient.model.network import hidden_layers
from vanishing_gradient.model.optimisers import OPTIMISERS
from vanishing_gradient.model.remedies import REMEDIES
from vanishing_gradient.report.glorot import glorot_template_text
from vanishing_gradient.report.prose import template_texts
from vanishing_gradient.support.code_version import code_version
from vanishing_gradient.support.config_limits import check_config
from vanishing_gradient.support.slurm_groups import RUN_SLOT, group_request_warning
from vanishing_gradient.training.kernel_version import kernels_version

SCRIPTS = Path(workflow.basedir) / "scripts"
BOOK_VARIANT = {"name": "sigmoid-default-sgd"}
# A training rule's script: it runs the rule's own script (params.job, warm_job) in a fork of a
# warm process that has imported and loaded the trainer once (vanishing_gradient.experiments.warm_runs).
WARM_RUN = "../../scripts/warm_run.py"


onstart:
    # Before the first submission: warn when --cores would size the groups of training runs
    # (vanishing_gradient.support.slurm_groups; profiles/slurm's run_slot prevents it).
    warning = group_request_warning(
        cores=workflow.resource_settings.cores,
        run_slots=workflow.global_resources.get(RUN_SLOT).value,
        grouped_rules=[rule.name for rule in workflow.rules if rule.group is not None],
        local_exec=workflow.executor_plugin.common_settings.local_exec,
    )
    if warning:
        logger.warning(warning)


wildcard_constraints:
    architecture=r"784(-[0-9]+)+",
    seed=r"[0-9]+",
    name="|".join(MNIST_FILES),
    sha256=r"[0-9a-f]{64}",
    figure=r"[a-z_]+",
    eta=r"[0-9][0-9.e+-]*",
    setting="|".join(SETTINGS),
    variant=r"[a-z]+-[a-z]+-[a-z]+" + "".join(f"(-{part})?" for part in REMEDY_COLUMNS),


def script_code(script):
    """The version of the code ``scripts/<script>.py`` runs (vanishing_gradient.support.code_version):
    every rule that runs project code takes it as its ``code`` param, so a change to what the
    script or any package module it imports does reruns the rule, and a comment does not."""
    return code_version(SCRIPTS / f"{script}.py")


def warm_job(script):
    """The ``job`` param of a training rule: ``scripts/<script>.py``, which WARM_RUN runs in a
    warm process, named relative to the scripts folder so that no checkout's path enters a
    param."""
    return f"{script}.py"


# The tables a run of each protocol writes, beside its provenance record.
ACCURACY_RUN_TABLES = ["epochs", "speed", "saturation", "test", "provenance"]
SPEED_RUN_TABLES = ["speed", "gradient_at_init", "provenance"]


def run_files(folder, tables):
    """A training run's output files, by name: ``<folder>/seed{seed}.<table>.csv``."""
    return {table: f"{folder}/seed{{seed}}.{table}.csv" for table in tables}


def training_memory_mb(wildcards, attempt):
    """The memory in MB of a process that trains: 400 MB, and 400 MB more on each retry, so
    that a run that ran out of memory gets more. Rules that declare no memory take the
    profile's ``default-resources``."""
    return 400 * attempt


def code_versions():
    """(rule, version of its code) for every rule defined so far that runs project code
    (sorted): the report lists them, so it is defined after the other rules."""
    return tuple(
        sorted(
            (rule.name, rule.params.code) for rule in workflow.rules if "code" in rule.params.keys()
        )
    )


def mnist_file(name):
    """Where the MNIST file ``name`` lands, named by the SHA-256 it is verified against."""
    return f"results/data/mnist/{name}.{config['data']['files'][name]['sha256']}.gz"


def speed_architectures():
    """Architectures with at least two hidden layers: protocol B compares their layers."""
    return [a for a in config["architectures"] if hidden_layers(a) >= 2]


def accuracy_runs(kind):
    """Per-run outputs of protocol A of one kind (an output of train_for_accuracy)."""
    return expand(
        rules.train_for_accuracy.output[kind],
        architecture=config["architectures"],
        seed=config["seeds"],
    )


def speed_runs(kind):
    """Per-run outputs of protocol B of one kind (an output of train_for_speed)."""
    return expand(
        rules.train_for_speed.output[kind],
        architecture=speed_architectures(),
        seed=config["seeds"],
    )


def caption(name):
    """The caption of the figure or table ``name``, its one source: a Jinja2 template that
    `snakemake --report` and the Markdown report both render with the config."""
    return str(Path(workflow.basedir, "workflow", "report", f"{name}.rst"))


FIGURE_FILE = "results/figures/{figure}.{ext}"


def figure_files(figure):
    """Every configured format of one figure."""
    return expand(FIGURE_FILE, figure=figure, ext=config["figures"]["formats"])


def protocol_params(section, **replaced):
    """The protocol's hyper-parameters as a tuple of pairs in a fixed order (deterministic
    params); ``replaced`` (e.g. ``epochs=10``, or ``eta`` as a run's wildcard) replaces the
    section's own values."""
    keys = ["training_size", "epochs", "mini_batch_size", "eta", "lmbda"]
    values = {**config[section], **replaced}
    values["eta"] = float(values["eta"])
    return tuple((key, values[key]) for key in keys)


def ablation_variants():
    """Variant names (vanishing_gradient.model.identity) in the configured order (every
    combination of activation, initialiser, optimiser and remedies when
    ablation.full_product is on)."""
    if config["ablation"]["full_product"]:
        switches = product([False, True], repeat=len(REMEDIES))
        return [
            variant_name(*parts, **dict(zip(REMEDY_COLUMNS.values(), chosen)))
            for parts, chosen in product(product(ACTIVATIONS, INITIALISERS, OPTIMISERS), switches)
        ]
    return [
        checked_variant(
            variant_name(
                v["activation"],
                v["initialiser"],
                v["optimiser"],
                **{r.column: v.get(r.config_key, False) for r in REMEDIES.values()},
            ),
            f"ablation.variants[{i}]",
        )
        for i, v in enumerate(config["ablation"]["variants"])
    ]


def checked_variant(variant, where):
    """``variant`` when its every part is an entry of the package (activations,
    initialisers, optimisers); else an error naming the config key ``where``."""
    try:
        check_variant(variant)
    except ValueError as error:
        raise ValueError(f"config {where}: {error}") from None
    return variant


# The config's values against the data and each other (the schema checks each alone).
check_config(config, ablation_variants())


def ablation_baseline():
    """The configured baseline of the ablation, checked to be one of its variants."""
    baseline = config["ablation"]["baseline"]
    if baseline not in ablation_variants():
        raise ValueError(
            f"config ablation.baseline is {baseline!r}, which is not among the variants trained "
            f"({', '.join(ablation_variants())}); name one of them, or add it to ablation.variants"
        )
    return baseline


def variant_params(wildcards):
    """A variant's settings: its optimiser's (``OptimiserRule.settings``, from the config's
    ablation section or their defaults) and the clipping threshold enter only the variants
    that use them, so changing one reruns nothing else. The depth sweep's: an optimiser's
    own learning rate (``adam_eta``, ``rmsprop_eta``) among them keeps the book's setting."""
    parts = variant_columns(wildcards.variant)
    settings = {"name": wildcards.variant}
    settings.update(OPTIMISERS[parts["optimiser"]].configured(config["ablation"]))
    if parts["clipping"]:
        settings["clip"] = config["ablation"]["clip_threshold"]
    return settings


def variant_settings(wildcards):
    """``variant_params`` but the learning rate, which an ablation run takes from its
    ``eta`` wildcard."""
    return {key: value for key, value in variant_params(wildcards).items() if key != "eta"}


def book_etas(protocol):
    """Variant -> the learning rate it trains at in the book's setting, for ``protocol``
    ("accuracy" or "speed"), as it names a run (``eta_text``)."""
    return {
        variant: eta_text(default_eta(variant, config["ablation"], config[protocol]["eta"]))
        for variant in ablation_variants()
    }


def search_runs(kind="run"):
    """The learning-rate search's runs (outputs of ``kind``): every variant at every learning
    rate of its grid (ablation.eta_factors times its default), with every selection seed."""
    return [
        path
        for variant, default in book_etas("accuracy").items()
        for eta in eta_grid(float(default), config["ablation"]["eta_factors"])
        for path in expand(
            rules.search_learning_rate.output[kind],
            variant=variant,
            eta=eta,
            seed=config["ablation"]["selection_seeds"],
        )
    ]


def tuned_etas():
    """Variant -> its selected learning rate (``eta_text``), read from the checkpoint
    select_learning_rates: the jobs that need it wait until it is written."""
    table = pd.read_csv(checkpoints.select_learning_rates.get().output.table)
    return {variant: eta_text(eta) for variant, eta in selected_etas(table).items()}


def setting_etas(setting, protocol):
    """Variant -> the learning rate of its ``protocol`` runs in ``setting``: the book's, or
    the one the search selected (by protocol A, for both protocols)."""
    return book_etas(protocol) if setting == "book" else tuned_etas()


def ablation_runs(protocol, kind, setting):
    """Per-run outputs of the ablation in ``setting`` ("book" or "tuned") for one protocol
    ("accuracy" or "speed") and kind (an output of train_variant_for_<protocol>), over that
    protocol's seeds (ablation.accuracy_seeds or ablation.speed_seeds)."""
    output = getattr(rules, f"train_variant_for_{protocol}").output[kind]
    return [
        path
        for variant, eta in setting_etas(setting, protocol).items()
        for path in expand(
            output, variant=variant, eta=eta, seed=config["ablation"][f"{protocol}_seeds"]
        )
    ]


def setting_table(name, setting):
    """The ablation's table ``name`` (an output of the rule aggregate_ablation, in ablation.smk) in ``setting``."""
    return expand(getattr(rules.aggregate_ablation.output, name), setting=setting)[0]


def all_ablation_runs(protocol, kind):
    """The ablation's runs of ``protocol`` and ``kind`` in every setting, each once (a run
    whose selected eta is the book's serves both); call it inside an input function, since
    the tuned setting's runs wait for the checkpoint."""
    return sorted({path for setting in SETTINGS for path in ablation_runs(protocol, kind, setting)})


def depth_sweep_runs(kind):
    """Per-run outputs of the depth sweep of one kind (an output of sweep_depth): one per
    variant x seed of the ablation's protocol B."""
    return expand(
        rules.sweep_depth.output[kind],
        variant=[
            checked_variant(v, f"depth_sweep.variants[{i}]")
            for i, v in enumerate(config["depth_sweep"]["variants"])
        ],
        seed=config["ablation"]["speed_seeds"],
    )


# Figures of the report, in its order: name -> (its caption, the wildcards of the rule that
# draws it, with which `snakemake --report` renders that caption).
REPORT_FIGURES = {
    "sigmoid_derivative": ("sigmoid_derivative", {}),
    "gradient_bars": ("gradient_bars", {}),
    "speed_of_learning_B": ("speed_of_learning", {"protocol": "B"}),
    "speed_of_learning_A": ("speed_of_learning", {"protocol": "A"}),
    "accuracy_vs_depth": ("accuracy_vs_depth", {}),
    "accuracy_vs_epoch": ("accuracy_vs_epoch", {}),
}
# The ablation's figures, drawn in each setting (their captions render the setting).
SETTING_FIGURES = ["variant_speed", "ratio_heatmap", "variant_accuracy"]
BEYOND_FIGURES = {
    "learning_rates": ("learning_rates", {}),
    **{
        f"{name}_{setting}": (name, {"setting": setting})
        for setting in ["tuned", "book"]
        for name in SETTING_FIGURES
    },
    "saturation_book": ("saturation", {"setting": "book"}),
    **{
        name: (name, {})
        for name in [
            "chain_vanishing",
            "chain_exploding",
            "unstable_width",
            "depth_sweep",
        ]
    },
}


def report_figures(figures):
    """The PNG of each of ``figures``, the one the report embeds."""
    return expand(FIGURE_FILE, figure=list(figures), ext="png")


def report_captions(figures):
    """The caption template of each of ``figures``, as text: the report's param, so that
    editing a caption rewrites the report, and moving the checkout does not."""
    return [Path(caption(name)).read_text() for name, _ in figures.values()]


# The glorot target (glorot.smk): Glorot & Bengio's Table 1 and saturation test.
for i, model in enumerate(config["glorot"]["models"]):
    checked_variant(model, f"glorot.models[{i}]")


def glorot_architecture(section_key):
    """The target's network with ``glorot.<section_key>`` hidden layers of ``glorot.width``
    units (``hidden_layers``: the table's; ``saturation_hidden_layers``: the saturation
    test's)."""
    hidden = [str(config["glorot"]["width"])] * config["glorot"][section_key]
    return "-".join(["784", *hidden, "10"])


def glorot_protocol(eta):
    """Protocol A of the target: the accuracy section's, with its epochs, its weight decay
    and the learning rate ``eta``."""
    return protocol_params(
        "accuracy", epochs=config["glorot"]["epochs"], lmbda=config["glorot"]["lmbda"], eta=eta
    )


def glorot_memory_mb(wildcards, attempt):
    """The memory in MB of a glorot training run: 1,000 MB, and 1,000 more on each retry (a
    run at width 1,000 holds about 400 MB, measured on 2026-12-06)."""
    return 1000 * attempt


def glorot_runtime(wildcards, attempt):
    """A glorot training run's wall time in minutes, for a cluster's scheduler: 2.5 minutes
    per epoch of 5 hidden layers of 1,000 units (1.7 measured here, docs/beyond.md), scaled
    by the width squared and the depth, at least 10, and more on each retry."""
    glorot = config["glorot"]
    scale = (glorot["width"] / 1000) ** 2 * glorot["hidden_layers"] / 5
    return math.ceil(max(10, 2.5 * glorot["epochs"] * scale) * attempt)


def glorot_default_etas():
    """Model -> the learning rate its search is centred on (``eta_text``)."""
    return {
        model: eta_text(default_eta(model, config["ablation"], config["accuracy"]["eta"]))
        for model in config["glorot"]["models"]
    }


def glorot_search_runs(kind="run"):
    """The target's learning-rate search (outputs of ``kind``): every model at every learning
    rate of its grid (glorot.eta_factors times its default), with every selection seed."""
    return [
        path
        for model, default in glorot_default_etas().items()
        for eta in eta_grid(float(default), config["glorot"]["eta_factors"])
        for path in expand(
            rules.search_glorot_learning_rate.output[kind],
            variant=model,
            eta=eta,
            seed=config["glorot"]["selection_seeds"],
        )
    ]


def glorot_selected_etas():
    """Model -> its selected learning rate (``eta_text``), read from the checkpoint
    select_glorot_learning_rates: the jobs that need it wait until it is written."""
    table = pd.read_csv(checkpoints.select_glorot_learning_rates.get().output.table)
    return {model: eta_text(eta) for model, eta in selected_etas(table).items()}


def glorot_runs(kind, models, section_key):
    """Outputs of ``kind`` of train_glorot_for_accuracy for each of ``models`` at its
    selected learning rate, on the network of ``glorot.<section_key>`` hidden layers, with
    every accuracy seed."""
    etas = glorot_selected_etas()
    return [
        path
        for model in models
        for path in expand(
            rules.train_glorot_for_accuracy.output[kind],
            architecture=glorot_architecture(section_key),
            variant=model,
            eta=etas[model],
            seed=config["glorot"]["accuracy_seeds"],
        )
    ]


def glorot_table_runs(kind):
    """The runs of the table of test errors: every model, the table's hidden layers."""
    return glorot_runs(kind, config["glorot"]["models"], "hidden_layers")


def glorot_saturation_runs(kind):
    """The runs of the saturation test: the paper's sigmoid network at the learning rate its
    search selected, with the saturation test's hidden layers."""
    return glorot_runs(kind, [GLOROT_BENGIO_VARIANT], "saturation_hidden_layers")


def glorot_budget():
    """What the glorot report states of its budget, as sorted pairs (deterministic params)."""
    glorot = config["glorot"]
    return tuple(
        sorted(
            {
                "table_architecture": glorot_architecture("hidden_layers"),
                "saturation_architecture": glorot_architecture("saturation_hidden_layers"),
                "epochs": glorot["epochs"],
                "lmbda": float(glorot["lmbda"]),
                "accuracy_seeds": tuple(glorot["accuracy_seeds"]),
                "selection_seeds": tuple(glorot["selection_seeds"]),
                "eta_factors": tuple(float(f) for f in glorot["eta_factors"]),
                "training_size": config["accuracy"]["training_size"],
                "mini_batch_size": config["accuracy"]["mini_batch_size"],
                "validation_size": config["data"]["validation_size"],
                "probe_size": config["accuracy"]["probe_size"],
            }.items()
        )
    )
