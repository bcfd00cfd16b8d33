"""The LLM's turn format comes from the model family, read from the GGUF or configured."""

from __future__ import annotations

import pytest

from kiosk.config import load_settings
from kiosk.errors import ConfigError
from voice.chat_templates import CHATML, GEMMA, LLAMA3, PHI3, TEMPLATES, choose_template
from voice.errors import LlmError

# The opening of each family's own Jinja chat template, as its GGUF files carry it.
LLAMA32_JINJA = (
    "{{- bos_token }}\n{%- if custom_tools is defined %}...{{- '<|start_header_id|>system"
    "<|end_header_id|>\\n\\n' }}...{{- '<|eot_id|>' }}"
)
SMOLLM2_JINJA = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM<|im_end|>\n' }}"
)
GEMMA_JINJA = "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role }}"
PHI3_JINJA = "{% for message in messages %}{{'<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n'}}{{'<|assistant|>\n'}}"  # noqa: E501
ZEPHYR_JINJA = "{{ '<|user|>\n' + message['content'] + eos_token }}{{ '<|assistant|>' }}"


@pytest.mark.parametrize(
    ("metadata", "family"),
    [
        ({"tokenizer.chat_template": LLAMA32_JINJA, "general.architecture": "llama"}, LLAMA3),
        ({"tokenizer.chat_template": SMOLLM2_JINJA, "general.architecture": "llama"}, CHATML),
        ({"tokenizer.chat_template": GEMMA_JINJA}, GEMMA),
        ({"tokenizer.chat_template": PHI3_JINJA}, PHI3),
        ({"general.architecture": "llama", "general.name": "Llama 3.2 1B Instruct"}, LLAMA3),
        ({"general.architecture": "qwen2", "general.name": "Qwen2.5 0.5B Instruct"}, CHATML),
    ],
)
def test_the_family_is_read_from_the_gguf_metadata(metadata, family) -> None:
    assert choose_template(metadata) is family


def test_a_model_of_unknown_format_is_refused_not_sent_chatml() -> None:
    """SmolLM2's architecture is "llama" too: the architecture alone proves nothing."""
    for metadata in ({"general.architecture": "llama"}, {"tokenizer.chat_template": ZEPHYR_JINJA}):
        with pytest.raises(LlmError, match=r"models\.chat_template"):
            choose_template(metadata, model="odd.gguf")


def test_a_configured_family_overrides_the_metadata() -> None:
    assert choose_template({"tokenizer.chat_template": SMOLLM2_JINJA}, "llama3") is LLAMA3
    with pytest.raises(LlmError, match="chatml, llama3"):
        choose_template({}, "vicuna")


@pytest.mark.parametrize("template", list(TEMPLATES.values()), ids=list(TEMPLATES))
def test_the_system_turn_is_an_exact_prefix_of_every_prompt(template) -> None:
    """The engine evaluates the system turn once and reuses its KV state as each prompt's
    prefix; a template that broke this would silently re-evaluate the whole prompt."""
    system, user = "Answer in {language}.", "Where is {exit} 3?"
    prompt = template.prompt(system, user)
    assert prompt.startswith(template.system_turn(system))
    assert system in prompt and user in prompt  # braces in the text are not placeholders
    assert prompt.endswith(template.assistant)


def test_llama3_prompt_is_in_llama3_form() -> None:
    prompt = LLAMA3.prompt("Be brief.", "Hi")
    assert prompt == (
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert "<|eot_id|>" in LLAMA3.stop and "<|im_end|>" not in prompt


def test_the_setting_is_checked_when_the_config_loads(tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    assert load_settings(None, {}).models.chat_template == "auto"
    config.write_text('[models]\nchat_template = "llama3"\n', encoding="utf-8")
    assert load_settings(config).models.chat_template == "llama3"
    config.write_text('[models]\nchat_template = "vicuna"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"models\.chat_template"):
        load_settings(config)


@pytest.mark.models
def test_the_bundled_smollm2_is_recognised_as_chatml() -> None:
    pytest.importorskip("llama_cpp")
    from kiosk.model_files import llm_path
    from voice.llm import LlamaGenerator

    generator = LlamaGenerator(llm_path(load_settings(None, {})), n_threads=1, n_ctx=256)
    try:
        assert generator.template is CHATML
        assert "<|im_start|>" in generator.llm.metadata["tokenizer.chat_template"]
        path = llm_path(load_settings(None, {}))
        forced = LlamaGenerator(path, n_ctx=256, n_threads=1, chat_template="llama3")
        assert forced.template is LLAMA3
        forced.close()
    finally:
        generator.close()
