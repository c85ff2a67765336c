"""LlamaIndex integration for GLM models (GLM)."""
