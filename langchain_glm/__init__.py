"""LangChain integration for GLM models (ChatGLM)."""
