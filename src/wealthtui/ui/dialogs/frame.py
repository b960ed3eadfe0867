"""The frame every dialog shares, its stylesheet written once: the dialog centred over the
screen; its box bordered on the surface, as wide as the dialog asks but never wider than the
terminal, as tall as its content (up to the terminal's height, unless the dialog says other);
its title bold. A dialog adds only what is its own:

    class ReasonDialog(TranslatedBindings, ModalScreen[str | None]):
        DEFAULT_CSS = frame_css("ReasonDialog", width=64, max_height=None) + '''
        ReasonDialog .reason-hint {
            color: $text-muted;
        }
        '''

The rules keep each dialog's own selectors (`ReasonDialog > Vertical`), so a dialog's further
rules override them as before."""

from __future__ import annotations


def frame_css(dialog: str, box: str = "Vertical", *, width: int | str | None,
              height: str = "auto", max_height: str | None = "100%",
              title: str | None = None) -> str:
    """The frame's rules for the dialog class `dialog` whose box (its first child) `box`
    selects; `title` selects its title, when bold is all it needs."""
    size = [f"width: {width};"] if width is not None else []
    size += ["max-width: 100%;", f"height: {height};"]
    size += [f"max-height: {max_height};"] if max_height is not None else []
    rules = [f"{dialog} {{\n    align: center middle;\n}}",
             f"{dialog} > {box} {{\n" + "".join(f"    {line}\n" for line in [
                 *size, "border: thick $primary;", "background: $surface;", "padding: 0 1;"])
             + "}"]
    if title is not None:
        rules.append(f"{dialog} {title} {{\n    text-style: bold;\n}}")
    return "\n".join(rules) + "\n"
