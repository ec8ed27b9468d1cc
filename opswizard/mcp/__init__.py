"""The knowledge base for agents: `opswizard mcp`, a Model Context Protocol server over stdio.

- `server.py`: the tools, the entry resource and the prompt, on the official SDK;
- `backend.py`: reading the knowledge base (search, similar entries, entries, follow-ups),
  fresh on every call; the one place to change when the core's search changes;
- `drafts.py`: `create_draft`'s typed fields, checked like the wizard's input, saved safely;
- `output.py`: everything sent back is bounded, free of control characters and redacted;
- `guide.py`: the prompt that walks an agent through writing an entry.

The SDK is an extra (`pip install 'opswizard[mcp]'`); nothing here imports Textual.
"""
