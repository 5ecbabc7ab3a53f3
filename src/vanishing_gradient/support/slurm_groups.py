"""What a group of training runs asks a cluster for, and the warning when ``--cores`` sizes it.

Snakemake sizes a group job as if its runs ran side by side: it fits as many of them at once
as the global resources allow (``--cores`` and ``--resources``) and asks for their summed CPUs
and memory. The SLURM executor's job step runs a group's runs one at a time, so the rest of the
request is reserved and never used. profiles/slurm prevents this: every training rule takes one
``run_slot`` resource, and the profile gives each SLURM job one slot (``resources: [run_slot=1]``
with ``local`` scope). Without that slot, ``--cores N`` would make a group ask for N CPUs.
"""

RUN_SLOT = "run_slot"


def runs_at_once(cores: int | None, run_slots: int | None) -> int:
    """How many of a group's runs Snakemake sizes the group job for: one CPU each (every
    training rule has one thread), at most ``cores``, and at most ``run_slots`` when the
    run slot is a global resource (None: it is not)."""
    limits = [limit for limit in (cores, run_slots) if limit is not None]
    return min(limits) if limits else 1


def group_request_warning(
    cores: int | None, run_slots: int | None, grouped_rules: list[str], local_exec: bool
) -> str | None:
    """The warning to print before a cluster run whose group jobs would ask for more CPUs
    and memory than they use, or None. ``grouped_rules`` are the rules in a group;
    ``local_exec`` is true for the local executor, which runs a group's jobs side by side."""
    at_once = runs_at_once(cores, run_slots)
    if local_exec or not grouped_rules or at_once <= 1:
        return None
    return (
        f"Each group job of {', '.join(sorted(grouped_rules))} will ask the cluster for up to "
        f"{at_once} CPUs and {at_once} x its runs' mem_mb, and use one CPU and one run's memory: "
        f"the job step runs a group's runs one at a time. Snakemake sized the groups by "
        f"--cores {cores} because the global resources have no {RUN_SLOT}=1 (a command-line "
        f"--resources replaces the profile's list). Type "
        f"`snakemake --workflow-profile profiles/slurm` without --cores or --resources, "
        f"or add --cores 1."
    )
