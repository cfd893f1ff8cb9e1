"""The interactive review: a Textual app walking the queue, one key per decision.

Every decision goes to the store before the screen moves on, so quitting, a crash or a
SIGKILL loses nothing decided; opening the folder again starts at the first undecided cell.
"""
from __future__ import annotations

import sqlite3

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Static

from extractor.errors import InputError
from extractor.review import view
from extractor.review.folder import Entry
from extractor.review.queue import Item
from extractor.review.session import Review
from extractor.review.store import Action


class ReviewApp(App):
    TITLE = "nianbao review"
    AUTO_FOCUS = None  # keys go to the app; the correction box takes focus only when opened
    ENABLE_COMMAND_PALETTE = False  # one key per action; nothing to search for
    CSS = """
    #header { background: $panel; padding: 0 1; }
    #body { padding: 0 1; }
    #message { height: auto; padding: 0 1; color: $warning; }
    #correction { display: none; }
    #correction.editing { display: block; }
    """
    BINDINGS = [
        Binding("a", "decide('accept')", "accept"),
        Binding("r", "decide('repair')", "accept repair"),
        Binding("c", "correct", "correct"),
        Binding("m", "decide('missing')", "missing"),
        Binding("1", "pick(1)", "take reading 1–6"),
        *(Binding(str(k), f"pick({k})", f"take reading {k}", show=False) for k in range(2, 7)),
        Binding("s,right", "skip", "skip"),
        Binding("u", "undo", "undo"),
        Binding("n", "next_document", "next doc"),
        Binding("q", "quit", "quit"),
        Binding("escape", "cancel", "cancel", show=False),
    ]

    def __init__(self, review: Review):
        super().__init__()
        self.review = review
        self.doc = 0
        self.item: Item | None = None
        self.skipped: set[tuple[str, str]] = set()

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with VerticalScroll(can_focus=False):
            yield Static(id="body")
        yield Static(id="message")
        yield Input(id="correction", placeholder="value, or 'missing'; Enter to record, Esc to cancel",
                    disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.advance()

    @property
    def entry(self) -> Entry:
        return self.review.entries[self.doc]

    # Moving through the queue -------------------------------------------------------------

    def advance(self, *, from_next: bool = False) -> None:
        """Show the first cell still to do: in this document, else in the following ones."""
        count = len(self.review.entries)
        for step in range(int(from_next), count + int(from_next)):
            doc = (self.doc + step) % count
            entry = self.review.entries[doc]
            todo = [i for i in self.review.queue(entry) if (entry.key, i.cell) not in self.skipped]
            if todo:
                self.doc, self.item = doc, todo[0]
                self.show()
                return
        self.item = None
        self.show()

    def show(self, cell: str | None = None) -> None:
        queue = self.review.queue(self.entry) if self.review.entries else []
        if cell is not None:
            self.item = next((i for i in queue if i.cell == cell), None)
            if self.item is None:  # the cell does not need a person any more
                return self.advance()
        header = self.query_one("#header", Static)
        body = self.query_one("#body", Static)
        if self.item is None:
            header.update(Text("nianbao review", style="bold"))
            body.update(Text(f"Nothing left to review in {len(self.review.entries)} document(s). "
                             "Press u to undo the last decision, q to quit."))
            return
        header.update(view.header(self.review, self.entry, len(queue)))
        body.update(view.cell_panel(self.review, self.entry, self.item))

    def say(self, message: str = "") -> None:
        self.query_one("#message", Static).update(message)

    # Actions --------------------------------------------------------------------------------

    def action_decide(self, action: Action) -> None:
        self.decide(action)

    def decide(self, action: Action, value: str | None = None) -> bool:
        """Record a decision on the cell shown and move on; False (and a message) if refused."""
        if self.item is None:
            self.bell()
            return False
        try:
            event = self.review.decide(self.entry, self.item.cell, action, value)
        except InputError as e:
            self.say(str(e))
            self.bell()
            return False
        except sqlite3.Error as e:  # say so plainly: the reviewer must not believe it was kept
            self.say(f"NOT recorded, the review store failed: {e}. Try again.")
            self.bell()
            return False
        self.say(f"{event.cell}: {view.fmt(event.old)} → {view.fmt(event.new)} ({action}) recorded")
        self.advance()
        return True

    def action_correct(self) -> None:
        if self.item is None:
            return self.bell()
        box = self.query_one("#correction", Input)
        box.value = ""
        box.disabled = False
        box.add_class("editing")
        box.focus()

    def action_pick(self, k: int) -> None:
        """Take the cell's k-th reading as listed in the panel: one split of a glued row, or what
        one reader read when readers disagree."""
        if self.item is None:
            return self.bell()
        readings = list((self.review.result(self.entry).cells[self.item.cell].readings or {}).values())
        if not 1 <= k <= len(readings) or readings[k - 1] is None:
            self.say(f"no reading {k} for this cell")
            return self.bell()
        self.decide("correct", str(readings[k - 1]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return self.action_cancel()
        recorded = self.decide("missing") if text.lower() in ("m", "missing") else self.decide("correct", text)
        if recorded:  # otherwise keep the box open to fix the typing
            self.close_input()

    def action_cancel(self) -> None:
        self.close_input()
        self.say()

    def close_input(self) -> None:
        box = self.query_one("#correction", Input)
        box.remove_class("editing")
        box.value = ""
        box.disabled = True
        self.set_focus(None)

    def action_skip(self) -> None:
        if self.item is None:
            return self.bell()
        self.skipped.add((self.entry.key, self.item.cell))
        self.say(f"{self.item.cell} skipped (still undecided)")
        self.advance()

    def action_undo(self) -> None:
        undone = self.review.undo()
        if undone is None:
            self.say("nothing to undo")
            return self.bell()
        entry, event = undone
        self.doc = self.review.entries.index(entry)
        self.skipped.discard((entry.key, event.cell))
        self.say(f"undone: {event.cell} back to {view.fmt(event.old)}")
        self.show(cell=event.cell)

    def action_next_document(self) -> None:
        self.say()
        self.advance(from_next=True)
