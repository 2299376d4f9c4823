"""The aifabric Python module from a fresh build: plans, collectives, jobs, packet runs, comparisons, sweeps and located errors.

Expected values come from the published designs and from the command line, never from what the module printed.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aifabric

SRC = Path(os.environ.get("AIFABRIC_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("AIFABRIC_BIN", str(SRC / "build" / "aifabric"))
EXAMPLE = SRC / "examples" / "h100-1024-rail.yaml"


def cli_json(*args):
    out = subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def test_plan_reproduces_the_superpod_switch_counts():
    # NVIDIA's DGX SuperPOD H100 reference: 4 scalable units of 32 DGX H100, 32 leaf and 16 spine QM9700 switches.
    plan = aifabric.plan(EXAMPLE)
    assert plan["schema"] == "aifabric.plan/1"
    tiers = {t["role"]: t for t in plan["fabric"]["tier_designs"]}
    assert tiers["leaf"]["switches"] == 32 and tiers["leaf"]["switch_model"] == "quantum2-qm9700"
    assert tiers["spine"]["switches"] == 16 and plan["fabric"]["switches_total"] == 48


def test_plan_is_the_commands_json():
    assert aifabric.plan(str(EXAMPLE)) == cli_json("plan", "--json", str(EXAMPLE))


def test_plan_from_a_dict():
    plan = aifabric.plan({"name": "d", "cluster": {"server": "dgx-h100", "servers": 32}, "fabric": {"switch": "quantum2-qm9700"}})
    assert plan["cluster"]["xpus"] == 256


def test_cables_are_the_commands_files(tmp_path):
    files = aifabric.cables(EXAMPLE)
    assert subprocess.run([str(BIN), "cables", str(EXAMPLE), "-o", str(tmp_path)], capture_output=True).returncode == 0
    for name, text in files.items():
        assert (tmp_path / name).read_text() == text, name
    # One row per physical cable: 1,024 NIC-leaf and 1,024 leaf-spine fibres, under a header.
    assert files["cables.csv"].count("\n") == 2048 + 1


def test_all_reduce_matches_the_command_line():
    ours = aifabric.perf("all_reduce", EXAMPLE, min_size="1M", max_size="64M", factor=8)
    theirs = cli_json("perf", "all_reduce", "--spec", str(EXAMPLE), "-b", "1M", "-e", "64M", "-f", "8", "--json")
    assert ours == theirs
    assert [r["size_bytes"] for r in ours["rows"]] == [1 << 20, 8 << 20, 64 << 20]
    # A ring's bus bandwidth is bounded by its slowest hop: below NVLink's 450 GB/s per GPU.
    assert all(0 < r["busbw_gbytes_per_s"] < 450 for r in ours["rows"])


def test_job_step():
    step = aifabric.job(SRC / "tests" / "data" / "sweep-job-256.yaml", {"cluster": {"server": "dgx-h100", "servers": 32}, "fabric": {"switch": "quantum2-qm9700"}})
    assert step["schema"] == "aifabric.step/1"
    result = step["steps"][0]
    assert result["xpus"] == 256
    assert 0 < result["mfu"] < 1
    assert result["step_ps"] >= result["compute_ps"]


def test_packet_run_matches_the_command_line_and_delivers_every_byte():
    ours = aifabric.packet(EXAMPLE, traffic="permutation", bytes="256K")
    theirs = cli_json("packet", "--spec", str(EXAMPLE), "--traffic", "permutation", "--bytes", "256K", "--json", "-q")
    assert ours == theirs
    # A permutation: every one of the 1,024 NICs sends one 256 KiB flow, and a reliable transport delivers all of it.
    assert ours["bytes_offered"] == 1024 * 256 * 1024
    assert ours["all_done"] and ours["bytes_delivered"] == ours["bytes_offered"]


def test_packet_run_with_a_bad_option_names_it():
    with pytest.raises(aifabric.InputError) as info:
        aifabric.packet(EXAMPLE, lb="sprinkle")
    assert info.value.field == "--lb" and "spraying" in info.value.message


def test_compare_matches_the_command_line():
    specs = [EXAMPLE, SRC / "examples" / "h100-1024-rail-sharp.yaml"]
    ours = aifabric.compare(specs, size="64M")
    theirs = cli_json("compare", "--spec", str(specs[0]), "--spec", str(specs[1]), "--size", "64M", "--json")
    assert ours == theirs
    assert len(ours["designs"]) == 2


def test_trace_replay_takes_the_collectives_own_time():
    # ASTRA-sim's 8-rank all-reduce microbenchmark (1 MiB): replayed, it takes what the all-reduce takes on the same ranks.
    spec = SRC / "examples" / "cluster-400g.yaml"
    prefix = SRC / "tests" / "data" / "chakra" / "astra-sim-microbenchmarks" / "all_reduce" / "8npus_1MB" / "all_reduce"
    ours = aifabric.trace(prefix, spec, backend="analytic")
    assert ours == cli_json("trace", str(prefix), "--spec", str(spec), "--backend", "analytic", "--json")
    perf = aifabric.perf("all_reduce", spec, min_size="1M", max_size="1M", backend="analytic", group="first:8")
    assert ours["nodes"] == 8 and ours["makespan_ps"] == perf["rows"][0]["time_ps"]


def test_bad_spec_raises_a_located_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncluster:\n  server: dgx-h100\n  servers: lots\n")
    with pytest.raises(aifabric.InputError) as info:
        aifabric.plan(bad)
    e = info.value
    assert e.file == str(bad) and e.line == 4 and e.column == 12
    assert e.field == "cluster.servers"
    assert "whole number" in e.message
    assert isinstance(e, ValueError)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(aifabric.InputError) as info:
        aifabric.plan(tmp_path / "none.yaml")
    assert info.value.file.endswith("none.yaml")


def test_sweep_example_plots(tmp_path):
    out = tmp_path / "sweep.png"
    subprocess.run([sys.executable, str(SRC / "python" / "examples" / "plot_sweep.py"), str(SRC / "examples" / "sweep-1024-optics.yaml"), str(out)], check=True)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
