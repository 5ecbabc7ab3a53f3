"""The per-rule cost summary of a workflow run's benchmark files."""

import pytest

from vanishing_gradient.support.job_costs import job_costs

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_benchmark(path, wall, rss, cpu):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{wall}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n")


def test_costs_add_up_per_rule(tmp_path):
    write_benchmark(tmp_path / "train" / "784-30-10" / "seed1.tsv", 2.0, 200.0, 1.5)
    write_benchmark(tmp_path / "train" / "784-30-10" / "seed2.tsv", 4.0, 250.0, 3.5)
    write_benchmark(tmp_path / "train" / "784-30-30-10" / "seed1.tsv", 9.0, 220.0, 8.0)
    write_benchmark(tmp_path / "plot" / "figures.tsv", 1.0, 90.0, 0.5)
    costs = job_costs(tmp_path)
    assert list(costs.index) == ["train", "plot"]  # the costlier rule first
    train = costs.loc["train"]
    assert train["jobs"] == 3
    assert train["wall_s"] == pytest.approx(15.0)
    assert train["median_wall_s"] == pytest.approx(4.0)
    assert train["processor_s"] == pytest.approx(13.0)
    assert train["max_rss_mb"] == pytest.approx(250.0)
    assert costs.loc["plot", "jobs"] == 1


def test_no_benchmark_files_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the workflow first"):
        job_costs(tmp_path)
