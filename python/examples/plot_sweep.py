"""Plots a sweep grid's designs: network cost against MFU (with a job) or bus bandwidth, coloured by the first axis.

    python3 python/examples/plot_sweep.py examples/sweep-16k-llama3.yaml sweep.png
"""
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt

import aifabric


def main(grid, out):
    sweep = aifabric.sweep(grid, threads=2)
    points = [p for p in sweep["points"] if p["status"] == "ok"]
    by_job = all("mfu" in p for p in points)
    axis = sweep["axes"][0]["field"]
    fig, ax = plt.subplots(figsize=(8, 5))
    for value in sweep["axes"][0]["values"]:
        mine = [p for p in points if p["values"][0] == value]
        ax.scatter([p["network_cost_usd"] / 1e6 for p in mine], [100 * p["mfu"] if by_job else p["busbw_gbs"] for p in mine], label=f"{axis} = {value}")
    ax.set_xlabel("network cost (million USD, indicative)")
    ax.set_ylabel("MFU (%)" if by_job else "bus bandwidth (GB/s)")
    ax.set_title(f"{len(points)} designs of {grid}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    print(f"wrote {out}: {len(points)} designs")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_sweep.py GRID.yaml OUT.png")
    main(sys.argv[1], sys.argv[2])
