"""The command line: `run` prints a summary, `--json` is machine-readable, bad input is clear."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

SCENARIO = """
name: tiny
network: {generator: erdos_renyi, n: 2000, mean_degree: 5, ties: 0.3}
dynamics: {rule: cascade}
strategies: [{name: top3, select: top_followers, k: 3}]
steps: 30
replications: 12
seed: 5
"""


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    return path


def test_run_prints_summary(scenario, capsys):
    assert main(["run", str(scenario), "--replications", "8"]) == 0
    out = capsys.readouterr().out
    assert "tiny: 2,000 agents" in out
    assert "8 replications, seed 5" in out
    assert "top3" in out


def test_run_json_and_output_folder(scenario, tmp_path, capsys):
    assert main(["run", str(scenario), "--json", "--seed", "11", "--out", str(tmp_path / "o")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["meta"]["seed"] == 11
    assert payload["meta"]["replications"] == 12
    row = payload["summary"][0]
    assert row["final_adopters_low"] <= row["final_adopters_mean"] <= row["final_adopters_high"]
    assert (tmp_path / "o" / "steps.parquet").exists()


def test_bad_scenario_names_file_key_and_value(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("rule: cascade", "rule: contagion"))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml, line 4: dynamics.rule" in err
    assert "'contagion'" in err and "threshold" in err


def test_unknown_key_and_missing_file(tmp_path, capsys):
    path = tmp_path / "typo.yaml"
    path.write_text(SCENARIO.replace("steps: 30", "stpes: 30"))
    assert main(["run", str(path)]) == 2
    assert "typo.yaml, line 6: stpes: unknown key" in capsys.readouterr().err
    path.write_text(
        SCENARIO.replace(
            "{generator: erdos_renyi, n: 2000, mean_degree: 5, ties: 0.3}", "{file: nowhere.txt}"
        )
    )
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "network.file: file not found" in err and "nowhere.txt" in err


def test_python_dash_m_entry_point(scenario):
    done = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(scenario), "-r", "3", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["meta"]["replications"] == 3


def test_seeds_are_required_not_invented(tmp_path, capsys):
    path = tmp_path / "noseeds.yaml"
    path.write_text(
        SCENARIO.replace("strategies: [{name: top3, select: top_followers, k: 3}]\n", "")
    )
    assert main(["run", str(path)]) == 2
    assert "noseeds.yaml: strategies: Field required" in capsys.readouterr().err


CAMPAIGN = """
name: budgeted
network: {generator: follower_graph, n: 4000, ties: 0.5}
dynamics: {rule: cascade}
campaign: {budget: 3000, sponsored_weight: 0.8}
strategies:
  - {name: micro, select: tier, tier: micro}
  - {name: nano, select: tier, tier: nano}
steps: 20
replications: 6
seed: 2
"""


def test_compare_writes_outputs_and_sweeps_prices(tmp_path, capsys):
    path = tmp_path / "budgeted.yaml"
    path.write_text(CAMPAIGN)
    out = tmp_path / "out"
    assert main(["compare", str(path), "--out", str(out), "--bootstrap", "100"]) == 0
    text = capsys.readouterr().out
    assert "budget 3,000 USD" in text and "cost/adopter USD" in text
    assert "best: " in text or "most adopters: " in text
    assert "p10-p90" in text and "flop" in text
    for name in ("comparison.csv", "scenario.yaml", "adoption_curves.png", "steps.parquet"):
        assert (out / name).exists(), name
    assert main(["compare", str(path), "--out", str(out), "--price-scale", "0.5", "micro=2"]) == 0
    text = capsys.readouterr().out
    assert "price scale 0.5: cheapest per adopter is" in text
    assert 'price scale {"micro": 2.0}' in text
    assert (out / "price_sweep.csv").exists()
    with pytest.raises(SystemExit):
        main(["compare", str(path), "--price-scale", "giga=2"])
    for bad in ("nan", "inf", "micro=-1"):
        with pytest.raises(SystemExit) as stop:
            main(["compare", str(path), "--price-scale", bad])
        assert stop.value.code == 2
        assert "price scale must be a finite number > 0" in capsys.readouterr().err


def test_input_errors_are_one_line_and_bugs_keep_their_traceback(scenario, capsys, monkeypatch):
    from sim import api
    from sim.errors import InputError

    def refuse(*args, **kwargs):
        raise InputError("strategies.0: refused for the test")

    monkeypatch.setattr(api, "run", refuse)
    assert main(["run", str(scenario), "--quiet"]) == 2
    assert capsys.readouterr().err == "error: strategies.0: refused for the test\n"

    def bug(*args, **kwargs):
        raise ValueError("an internal bug, not bad input")

    monkeypatch.setattr(api, "run", bug)
    with pytest.raises(ValueError, match="internal bug"):  # not swallowed as exit code 2
        main(["run", str(scenario)])


def test_out_refuses_a_folder_holding_other_files(scenario, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    assert main(["run", str(scenario), "--replications", "2", "--out", str(folder)]) == 2
    assert "holds files this tool did not write (notes.txt)" in capsys.readouterr().err
    assert (folder / "notes.txt").read_text() == "keep me"
    # a folder of our own is replaced whole: no file of the previous run is left behind
    out = tmp_path / "ours"
    assert main(["run", str(scenario), "--replications", "2", "--out", str(out)]) == 0
    (out / "summary.json").write_text("{}")
    (out / "cost_per_adopter.png").write_bytes(b"old")
    assert main(["run", str(scenario), "--replications", "2", "--out", str(out)]) == 0
    assert not (out / "cost_per_adopter.png").exists()
    assert json.loads((out / "summary.json").read_text())["meta"]["replications"] == 2
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_json_output_is_strict_json(scenario, capsys):
    # one replication: every interval is NaN, which must come out as null, not a bare NaN token
    assert main(["run", str(scenario), "--replications", "1", "--json"]) == 0
    text = capsys.readouterr().out
    payload = json.loads(text, parse_constant=lambda token: pytest.fail(f"bare {token}"))
    assert payload["summary"][0]["reach_low"] is None


@pytest.mark.parametrize(
    ("change", "part"),
    [
        (("n: 2000", "n: 1000000000"), "network"),
        (("steps: 30", "steps: 1000000000000"), "kernel state"),
        (("replications: 12", "replications: 1000000000"), "result tables"),
        (
            ("generator: erdos_renyi, n: 2000, mean_degree: 5", "generator: complete, n: 200000"),
            "network",
        ),
    ],
)
def test_what_would_not_fit_is_refused_before_allocating(tmp_path, capsys, change, part):
    path = tmp_path / "big.yaml"
    path.write_text(SCENARIO.replace(*change))
    for command in ("validate", "run"):
        assert main([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}: would need about ")
        assert part in err and "more than the memory available now" in err
        assert err.count("\n") == 1


def test_max_memory_limit(scenario, capsys):
    assert main(["run", str(scenario), "--max-memory", "1M"]) == 2
    assert "more than the --max-memory limit (1.0 MiB)" in capsys.readouterr().err
    assert main(["run", str(scenario), "-r", "2", "--max-memory", "4G"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        main(["run", str(scenario), "--max-memory", "lots"])
    assert stop.value.code == 2
    assert "expected a size like 8G or 512M" in capsys.readouterr().err


def test_force_replaces_a_foreign_folder_but_never_a_precious_one(
    scenario, tmp_path, capsys, monkeypatch
):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("old")
    assert main(["run", str(scenario), "-r", "2", "--out", str(folder), "--force"]) == 0
    assert not (folder / "notes.txt").exists() and (folder / "summary.json").exists()
    capsys.readouterr()
    monkeypatch.chdir(folder)
    (folder / "notes.txt").write_text("keep")
    assert main(["run", str(scenario), "-r", "2", "--out", ".", "--force"]) == 2
    err = capsys.readouterr().err
    assert "is the working folder" in err and "never replaced" in err
    assert "replications done" not in err  # refused before any work
    assert (folder / "notes.txt").read_text() == "keep"


def test_default_folder_name_cannot_climb_out_of_results(tmp_path, monkeypatch, capsys):
    path = tmp_path / "climb.yaml"
    path.write_text(SCENARIO.replace("name: tiny", "name: ../../escape me"))
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(path), "-r", "2", "--no-plots", "--bootstrap", "20"]) == 0
    assert "results written to results/escape_me" in capsys.readouterr().out
    assert (tmp_path / "results" / "escape_me" / "summary.json").exists()
    assert not (tmp_path.parent / "escape me").exists()


def test_json_mode_reports_errors_as_json_on_stdout(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("rule: cascade", "rule: contagion"))
    assert main(["run", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["exit_code"] == 2
    assert "dynamics.rule" in payload["error"]
    assert captured.err.startswith("error: ")


def test_ctrl_c_ends_with_one_line_and_leaves_the_previous_output(tmp_path):
    import signal
    import time

    path = tmp_path / "long.yaml"
    path.write_text(
        SCENARIO.replace("n: 2000", "n: 20000").replace("replications: 12", "replications: 400000")
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"previous": true}')
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "compare", str(path), "--out", str(out), "-t", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted: ")
    assert "Traceback" not in err
    assert json.loads((out / "summary.json").read_text()) == {"previous": True}


def test_report_and_figures(tmp_path, capsys):
    path = tmp_path / "budgeted.yaml"
    path.write_text(CAMPAIGN)
    out = tmp_path / "out"
    assert main(["compare", str(path), "--out", str(out), "--bootstrap", "50", "--report"]) == 0
    for name in ("adoption_curves.png", "outcomes.png", "cost_per_adopter.png", "report.html"):
        assert (out / name).stat().st_size > 1000, name
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 3
    assert "budget" in page and "3,000 USD" in page and "flop" in page
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verdict"] in page
    # no campaign: nothing is priced, so no cost column and no cost figure
    capsys.readouterr()
    free = tmp_path / "free"
    assert (
        main(["compare", str(scenario_file(tmp_path)), "--out", str(free), "--bootstrap", "20"])
        == 0
    )
    text = capsys.readouterr().out
    assert "cost/adopter" not in text and "spend" not in text
    assert (free / "outcomes.png").exists() and not (free / "cost_per_adopter.png").exists()


def scenario_file(folder: Path) -> Path:
    path = folder / "tiny-free.yaml"
    path.write_text(SCENARIO)
    return path


def test_a_run_talks_on_stderr_unless_quiet(scenario):
    command = [sys.executable, "-m", "sim", "run", str(scenario), "-r", "3"]
    talk = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = talk.stderr.strip().splitlines()
    assert lines[0].startswith("tiny: 2,000-agent erdos_renyi network, 1 strategy x 3")
    assert any("3 of 3 replications done" in line for line in lines)
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, check=True)
    assert quiet.stderr == ""
    assert quiet.stdout == talk.stdout
