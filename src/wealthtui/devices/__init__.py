"""The lobby's devices (the ticket printer). No database, no Textual."""
