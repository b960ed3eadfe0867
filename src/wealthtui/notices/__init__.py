"""Written notices: templates as data (`templates`), the printable document (`pdf`) and the
senders of the outbox (`senders`). No database here: services.notices keeps the outbox."""
