"""Chat formats per model family, chosen from the GGUF's own metadata or by a setting.

A small instruct model answers sensibly only in the turn format it was trained on: a Llama 3
model given ChatML reads `<|im_start|>` as plain text and rambles past the end of its answer.
The GGUF carries its Hugging Face Jinja template (`tokenizer.chat_template`); we recognise the
family by the template's control markers rather than execute the template, because the engine
needs the system turn on its own: it is evaluated once and its KV state reused as the prefix of
every prompt, so `system_turn(s)` must be an exact prefix of `prompt(s, u)` (true by
construction here). The beginning-of-text token is not part of these strings: the tokenizer adds
it when the model's vocabulary asks for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voice.errors import LlmError

AUTO = "auto"


@dataclass(frozen=True, slots=True)
class ChatTemplate:
    """One family's turn format: `{system}` / `{user}` are the only placeholders."""

    name: str
    system: str
    user: str
    assistant: str
    """The opening of the assistant's turn, after which the model writes its answer."""
    stop: tuple[str, ...]
    """Strings that end the answer (end of turn, or the start of a turn the model invents)."""

    def system_turn(self, system: str) -> str:
        return self.system.replace("{system}", system)

    def prompt(self, system: str, user: str) -> str:
        """The whole prompt, ending where the model starts its answer."""
        return self.system_turn(system) + self.user.replace("{user}", user) + self.assistant


CHATML = ChatTemplate(
    name="chatml",
    system="<|im_start|>system\n{system}<|im_end|>\n",
    user="<|im_start|>user\n{user}<|im_end|>\n",
    assistant="<|im_start|>assistant\n",
    stop=("<|im_end|>", "<|im_start|>"),
)
"""SmolLM2, Qwen 2/2.5/3, and most fine-tunes that took their format from them."""

LLAMA3 = ChatTemplate(
    name="llama3",
    system="<|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>",
    user="<|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|>",
    assistant="<|start_header_id|>assistant<|end_header_id|>\n\n",
    stop=("<|eot_id|>", "<|start_header_id|>", "<|end_of_text|>"),
)
"""Llama 3, 3.1, 3.2 instruct (and EXAONE-style fine-tunes of them)."""

GEMMA = ChatTemplate(
    name="gemma",
    system="<start_of_turn>user\n{system}\n\n",
    user="{user}<end_of_turn>\n",
    assistant="<start_of_turn>model\n",
    stop=("<end_of_turn>", "<start_of_turn>"),
)
"""Gemma 1-3 have no system role: their own template puts the system text at the top of the
first user turn, which keeps the system part a prefix of the prompt."""

PHI3 = ChatTemplate(
    name="phi3",
    system="<|system|>\n{system}<|end|>\n",
    user="<|user|>\n{user}<|end|>\n",
    assistant="<|assistant|>\n",
    stop=("<|end|>", "<|endoftext|>", "<|user|>"),
)
"""Phi-3 and Phi-3.5 mini instruct."""

TEMPLATES: dict[str, ChatTemplate] = {t.name: t for t in (CHATML, LLAMA3, GEMMA, PHI3)}
CHAT_TEMPLATE_SETTINGS = (AUTO, *TEMPLATES)
"""Values of `models.chat_template`: "auto" reads the GGUF, a family name overrides it."""

_TEMPLATE_MARKERS = (
    (("<|im_start|>",), CHATML),
    (("<|start_header_id|>", "<|eot_id|>"), LLAMA3),
    (("<start_of_turn>",), GEMMA),
    (("<|assistant|>", "<|end|>"), PHI3),
)
"""Control markers only that family's Jinja template contains, all of them (Zephyr-style
templates also write `<|assistant|>`, but end turns with `</s>`, not Phi-3's `<|end|>`)."""
_NAME_HINTS = (
    ("smollm", CHATML),
    ("qwen", CHATML),
    ("llama-3", LLAMA3),
    ("llama 3", LLAMA3),
    ("llama3", LLAMA3),
    ("gemma", GEMMA),
    ("phi3", PHI3),
    ("phi-3", PHI3),
)
"""For a GGUF without a chat template: words in `general.architecture`/`general.name`/
`general.basename` (the architecture alone is ambiguous: SmolLM2's is "llama")."""


def choose_template(
    metadata: Mapping[str, str], setting: str = AUTO, *, model: str = "the LLM"
) -> ChatTemplate:
    """The configured family, else the one the GGUF's metadata names; `LlmError` if neither."""
    if setting != AUTO:
        try:
            return TEMPLATES[setting]
        except KeyError:
            known = ", ".join(CHAT_TEMPLATE_SETTINGS)
            raise LlmError(
                "chat-template-unknown", f"no chat template '{setting}' ({known})"
            ) from None
    found = detect_template(metadata)
    if found is None:
        raise LlmError(
            "chat-template-unknown",
            f"cannot tell the chat format of {model} from its metadata: set "
            f"models.chat_template to one of {', '.join(TEMPLATES)}",
        )
    return found


def detect_template(metadata: Mapping[str, str]) -> ChatTemplate | None:
    """The family a GGUF's metadata names: its Jinja template first, then its names."""
    jinja = metadata.get("tokenizer.chat_template", "")
    for markers, template in _TEMPLATE_MARKERS:
        if all(marker in jinja for marker in markers):
            return template
    names = " ".join(
        metadata.get(key, "").lower()
        for key in ("general.basename", "general.name", "general.architecture")
    )
    for hint, template in _NAME_HINTS:
        if hint in names:
            return template
    return None
