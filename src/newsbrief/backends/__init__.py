"""Where a model call goes: the embedded model in-process (`embedded`, `prefix_cache`), or an
OpenAI-compatible server; `response_format` holds the llama.cpp quirks both share."""
