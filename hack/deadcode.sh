#!/usr/bin/env bash
# Fails when code is unreachable (see the deadcode target in the Makefile). Two runs, each
# loading the whole module, side by side:
#  - non-test code must be reachable from a main package (the manager, the demo and the
#    simulators' commands), without tests as roots, so that a function only tests call is dead;
#  - test-support packages (simulators, fakes, envtest, step-test helpers, certificate
#    generators, the Argo CD Lua evaluator) exist for tests, so there tests count as roots
#    too (-test).
set -euo pipefail
deadcode=${DEADCODE:-bin/deadcode}
module=$(go list -m)
support='test/|argocd/|internal/(testenv|testcerts|steptest|tencentcloud/fake)/'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$deadcode" -filter "^$module(/|\$)" ./... >"$tmp/main" &
main=$!
"$deadcode" -test -filter "^$module/(test/.*|argocd|internal/(testenv|testcerts|steptest|tencentcloud/fake))\$" ./... >"$tmp/test" &
test=$!
wait "$main"
wait "$test"

{ grep -Ev "^($support)" "$tmp/main" || true; cat "$tmp/test"; } >"$tmp/dead"
if [ -s "$tmp/dead" ]; then
	echo "Unreachable code (delete it, or use it where it belongs):"
	cat "$tmp/dead"
	exit 1
fi
