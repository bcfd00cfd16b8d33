# The two commands of the README's quick start. Each installs what is missing first
# (scripts/setup.sh is idempotent and fast when everything is there).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint format bench

# make setup LLM=qwen2.5-coder-1.5b also installs an optional LLM (README, "Optional multilingual LLMs").
setup:
	@./scripts/setup.sh $(if $(LLM),--llm $(LLM))

demo: setup var/kb/manifest.sqlite
	@$(BIN)/kiosk demo

# First start imports the bundled Seoul data (~2 s: its passage vectors ship precomputed).
var/kb/manifest.sqlite:
	@$(BIN)/kiosk kb import --bundled

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup
	@$(BIN)/kiosk bench
