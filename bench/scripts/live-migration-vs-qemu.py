#!/usr/bin/env python3
"""Live migration of a 1 GiB guest over loopback, side by side: the raw copy of the same bytes (the limit), our
sample machine (without and with multifd channels; the raw copy over as many connections beside the latter) and QEMU 7.2 (without and with multifd), alternating, N runs.

  dotnet build -c Release src/SampleMachine && dotnet build -c Release bench/VmState.Benchmarks
  python3 bench/scripts/live-migration-vs-qemu.py [--runs 3] [--channels 2]

Every case moves the same guest: 1 GiB of RAM, 90% of it random bytes, nothing written during the migration
(ours: --fill 0.9 --dirty-rate 0; QEMU: two `-M pc -m 1G` processes, 90% of RAM loaded with random bytes by
`-device loader`, no bandwidth limit). Prints one line per run and case, then the median of each case and its ratio
to the raw copy and to QEMU without multifd.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = os.path.join(ROOT, "src/SampleMachine/bin/Release/net10.0/SampleMachine")
BENCH = os.path.join(ROOT, "bench/VmState.Benchmarks/bin/Release/net10.0/VmState.Benchmarks.dll")
GIB = 1 << 30
RANDOM_BYTES = int(0.9 * GIB) // 4096 * 4096


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_copy(connections):
    out = subprocess.run(["dotnet", BENCH, "--raw-loopback", str(RANDOM_BYTES), "--connections", str(connections)],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"raw-loopback (\d+) (\d+)", out)
    return {"total": int(m.group(2)), "downtime": None, "sent": int(m.group(1))}


def ours(channels):
    port = free_port()
    incoming = subprocess.Popen([OURS, "incoming", "--listen", f"127.0.0.1:{port}", "--memory", "1G", "--once", "--channels", str(channels)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = incoming.stdout.readline()
    if "waiting for a migration" not in first:
        raise RuntimeError("incoming: " + first)
    out = subprocess.run([OURS, "migrate", "--to", f"127.0.0.1:{port}", "--memory", "1G", "--fill", "0.9", "--dirty-rate", "0",
                          "--channels", str(channels)], capture_output=True, text=True)
    incoming.wait(60)
    text = out.stdout.replace("\r", "\n")
    total = re.search(r"total time\s+(\d+) ms", text)
    downtime = re.search(r"downtime\s+(\d+) ms", text)
    sent = re.search(r"transferred\s+([\d.]+) MiB", text)
    if out.returncode != 0 or not total:
        raise RuntimeError("migrate: " + text + out.stderr)
    return {"total": int(total.group(1)), "downtime": int(downtime.group(1)), "sent": int(float(sent.group(1)) * (1 << 20))}


class Qmp:
    def __init__(self, path):
        for _ in range(200):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                time.sleep(0.05)
        else:
            raise RuntimeError("no QMP socket at " + path)
        self.file = self.sock.makefile("rw")
        json.loads(self.file.readline())
        self.run("qmp_capabilities")

    def run(self, command, **arguments):
        self.file.write(json.dumps({"execute": command, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise RuntimeError(f"{command}: {reply['error']}")
            return reply["return"]


def qemu(channels, image, workdir):
    port = free_port()
    common = ["qemu-system-x86_64", "-M", "pc", "-m", "1G", "-nodefaults", "-display", "none",
              "-device", f"loader,file={image},addr=0x1000000,force-raw=on"]
    procs = []
    try:
        sockets = {}
        for side in ("src", "dst"):
            path = os.path.join(workdir, side + ".qmp")
            args = common + ["-qmp", f"unix:{path},server=on,wait=off"] + (["-incoming", "defer"] if side == "dst" else [])
            procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            sockets[side] = path
        src, dst = Qmp(sockets["src"]), Qmp(sockets["dst"])
        for q in (src, dst):
            if channels:
                q.run("migrate-set-capabilities", capabilities=[{"capability": "multifd", "state": True}])
                q.run("migrate-set-parameters", **{"multifd-channels": channels})
        src.run("migrate-set-parameters", **{"max-bandwidth": 100 * GIB})
        dst.run("migrate-incoming", uri=f"tcp:127.0.0.1:{port}")
        src.run("migrate", uri=f"tcp:127.0.0.1:{port}")
        while True:
            info = src.run("query-migrate")
            if info.get("status") in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.01)
        if info["status"] != "completed":
            raise RuntimeError("QEMU migration " + info["status"])
        return {"total": info["total-time"], "downtime": info["downtime"], "sent": info["ram"]["transferred"]}
    finally:
        for p in procs:
            p.kill()
            p.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--channels", type=int, default=2)
    parser.add_argument("--no-qemu", action="store_true")
    a = parser.parse_args()
    for path in (OURS, BENCH):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: build both projects with -c Release first")
    many = f"{a.channels} connections"
    cases = {
        "raw copy": lambda: raw_copy(1),
        f"raw copy, {many}": lambda: raw_copy(a.channels),
        "ours": lambda: ours(0),
        f"ours, {a.channels} channels": lambda: ours(a.channels),
    }
    with tempfile.TemporaryDirectory() as workdir:
        image = os.path.join(workdir, "random.bin")
        with open(image, "wb") as f:
            f.write(os.urandom(RANDOM_BYTES))
        if not a.no_qemu:
            cases["QEMU 7.2"] = lambda: qemu(0, image, workdir)
            cases[f"QEMU 7.2, {a.channels} channels"] = lambda: qemu(a.channels, image, workdir)
        results = {name: [] for name in cases}
        for run in range(1, a.runs + 1):
            for name, case in cases.items():
                r = case()
                results[name].append(r)
                down = "" if r["downtime"] is None else f", downtime {r['downtime']} ms"
                print(f"run {run}: {name}: {r['total']} ms{down}, {r['sent'] / (1 << 20):.1f} MiB", flush=True)
    raw = statistics.median(r["total"] for r in results["raw copy"])
    raw_many = statistics.median(r["total"] for r in results[f"raw copy, {many}"])
    anchor = statistics.median(r["total"] for r in results["QEMU 7.2"]) if "QEMU 7.2" in results else None
    print()
    print("| case | total time (runs) | downtime (runs) | raw copy's time / this (1 connection) | "
          f"raw copy's time / this ({many}) | total / QEMU 7.2's |")
    print("|---|---|---|---|---|---|")
    for name, rs in results.items():
        totals = " / ".join(str(r["total"]) for r in rs)
        downs = " / ".join("—" if r["downtime"] is None else str(r["downtime"]) for r in rs)
        med = statistics.median(r["total"] for r in rs)
        vs_raw = f"{raw / med:.2f}"
        vs_raw_many = f"{raw_many / med:.2f}"
        vs_qemu = "" if anchor is None else f"{med / anchor:.2f}"
        print(f"| {name} | {totals} ms | {downs} ms | {vs_raw} | {vs_raw_many} | {vs_qemu} |")


if __name__ == "__main__":
    main()
