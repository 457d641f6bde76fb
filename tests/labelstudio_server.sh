#!/usr/bin/env bash
# Start a throwaway Label Studio server on loopback for the integration tests.
# The server (~1 GB, Django) lives in its own venv, never in the project's.
# Usage: tests/labelstudio_server.sh DATA_DIR PORT TOKEN
# Prints nothing on success once /health answers; the server keeps running (pid in DATA_DIR/pid).
set -euo pipefail
data_dir=$1 port=$2 token=$3
version=${CURATE_LABEL_STUDIO_VERSION:-1.23.2}
venv=${CURATE_LS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/curate-ci/ls-venv-$version}
if [[ ! -x $venv/bin/label-studio ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "label-studio==$version"
fi
mkdir -p "$data_dir"
export LABEL_STUDIO_BASE_DATA_DIR=$data_dir \
    LABEL_STUDIO_USERNAME=admin@example.com \
    LABEL_STUDIO_PASSWORD=curate-test-password \
    LABEL_STUDIO_USER_TOKEN=$token \
    LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true \
    LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true
nohup "$venv/bin/label-studio" start --no-browser --host 127.0.0.1 --port "$port" \
    >"$data_dir/server.log" 2>&1 &
echo $! >"$data_dir/pid"
for _ in $(seq 1 180); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then exit 0; fi
    if ! kill -0 "$(cat "$data_dir/pid")" 2>/dev/null; then
        echo "label-studio exited; log:" >&2; tail -50 "$data_dir/server.log" >&2; exit 1
    fi
    sleep 1
done
echo "label-studio did not answer /health in 180 s; log:" >&2
tail -50 "$data_dir/server.log" >&2
exit 1
