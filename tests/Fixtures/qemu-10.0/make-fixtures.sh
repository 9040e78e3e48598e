#!/bin/bash
# Regenerates the QEMU 10.0 reference files in this folder with QEMU 10.0 from tools/fetch-qemu-10 (a trixie chroot,
# run as root), the way ../qemu-7.2/ holds 7.2's:
#   pc.vmstate.json            `-M pc -nodefaults -dump-vmstate`: every device type, vmschkmachine pc-i440fx-10.0
#   pc-16m.migration           a running `-M pc -m 16` guest (firmware only, default e1000), 3 s after start
#   pc-i440fx-7.2-16m.migration the same guest with QEMU 10's `-M pc-i440fx-7.2`
#   q35-16m.migration          a running `-M q35 -m 16 -nic user,model=e1000` guest (pc-q35-10.0)
#   pc-16m.analyze-state.json  QEMU 10's analyze-migration.py --dump state of pc-16m.migration
# Every stream is written by QMP `migrate exec:cat > FILE`.
set -euo pipefail
cd "$(dirname "$0")"
dir=${VMSTATE_QEMU10_DIR:-$HOME/.cache/vmstate/qemu-10.0}
root=$dir/root
[ -x "$root/usr/bin/qemu-system-x86_64" ] || { echo "no QEMU 10.0 in $root: run tools/fetch-qemu-10" >&2; exit 1; }
work=$(mktemp -d "$root/tmp/fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT
inside=${work#"$root"}

chroot "$root" qemu-system-x86_64 -M pc -nodefaults -dump-vmstate "$inside/pc.vmstate.json"
cp "$work/pc.vmstate.json" .

record() { # name, then QEMU's machine options
  local name=$1
  shift
  chroot "$root" qemu-system-x86_64 "$@" -m 16 -display none -serial none -monitor none \
    -qmp "unix:$inside/qmp.sock,server=on,wait=off" &
  local pid=$!
  sleep 3
  python3 - "$work/qmp.sock" "$inside/$name" <<'PY'
import json, socket, sys, time
sock, out = sys.argv[1:]
s = socket.socket(socket.AF_UNIX); s.connect(sock); f = s.makefile('rw')
def cmd(c, **a):
    f.write(json.dumps({"execute": c, **({"arguments": a} if a else {})}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r: return r
f.readline(); cmd("qmp_capabilities"); cmd("migrate", uri=f"exec:cat > {out}")
for _ in range(200):
    if cmd("query-migrate")['return'].get('status') in ('completed', 'failed'): break
    time.sleep(0.1)
cmd("quit")
PY
  wait "$pid"
  cp "$work/$name" .
}

record pc-16m.migration -M pc
record pc-i440fx-7.2-16m.migration -M pc-i440fx-7.2
record q35-16m.migration -M q35 -nic user,model=e1000
python3 "$dir/scripts/analyze-migration.py" -f pc-16m.migration -d state > pc-16m.analyze-state.json
