#!/usr/bin/env bash
# How fast a server answers a WINDOW_UPDATE in S4d (1 GiB download, 64 KiB windows), read
# from the wire: tcpdump on loopback during one h2load run, then, per round trip,
#   server reaction = client's WINDOW_UPDATE packet -> the server's next DATA packet
#   client turn     = server's first DATA packet -> the client's next WINDOW_UPDATE
# S4d's throughput is one window per (reaction + client turn + transfer), so this splits a
# gap between two servers into their part and the client's. Needs root (tcpdump), h2load,
# and ../shared beside the repository. Diagnostic only: `npm run bench` does not run it.
#
#   bash bench/tools/reaction.sh ours|node [MiB]
set -euo pipefail
which=${1:?ours or node}; mib=${2:-256}
cd "$(dirname "$0")/../.."
port=18575
if [[ $which == ours ]]; then
  node_modules/.bin/tsc -p tsconfig.bench.json
  taskset -c 0 node .bench-build/bench/bench-server.js "$port" & pid=$!
else
  taskset -c 0 node ../shared/bench/anchors/node-http2-server.mjs "$port" > /dev/null & pid=$!
fi
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 1
url="http://127.0.0.1:$port/bytes/$((mib * 1048576))"
taskset -c 1 h2load -n 1 -c 1 -m 1 -w 16 -W 16 "$url" > /dev/null   # warm-up
pcap=$(mktemp --suffix=.pcap)
tcpdump -i lo -nn -s 96 -B 65536 -w "$pcap" "tcp port $port" 2> /dev/null & tp=$!
sleep 1
taskset -c 1 h2load -n 1 -c 1 -m 1 -w 16 -W 16 "$url" | grep -E '^finished'
sleep 0.5; kill "$tp"; wait "$tp" 2> /dev/null || true
tcpdump -r "$pcap" -nn -tt 2> /dev/null | python3 -c '
import re, sys
port = int(sys.argv[1]); react = []; turn = []; client_at = None; server_at = None
for line in sys.stdin:
    m = re.match(r"(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > .*length (\d+)", line)
    if not m or int(m.group(3)) == 0: continue
    t = float(m.group(1))
    if int(m.group(2)) == port:
        if client_at is not None: react.append(t - client_at); client_at = None
        if server_at is None: server_at = t
    else:
        client_at = t
        if server_at is not None: turn.append(t - server_at); server_at = None
def q(a, p): a = sorted(a); return a[int(len(a) * p)] * 1e6
print(f"{sys.argv[2]}: server reaction p50 {q(react, .5):.1f} us, p90 {q(react, .9):.1f} us; client turn p50 {q(turn, .5):.1f} us ({len(react)} round trips)")
' "$port" "$which"
rm -f "$pcap"
