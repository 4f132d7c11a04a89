"""The words people use for channels and kinds of contact, English and German.

Custom words are allowed with an `x-` prefix (`x-signal`), so a typo such as
`phnoe` is still caught.
"""

import re
from collections.abc import Mapping

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _

CHANNELS = {
    "phone": ("phone", "telefon", "tel", "anruf", "call"),
    "email": ("email", "e-mail", "mail"),
    "visit": ("visit", "besuch", "vor-ort", "in-person"),
    "video": ("video", "videocall", "zoom", "teams"),
    "letter": ("letter", "brief", "post"),
    "messenger": ("messenger", "chat", "whatsapp", "sms"),
    "newsletter": ("newsletter", "rundbrief"),
}
PERSONAL_CHANNELS = frozenset({"phone", "visit", "video"})

KINDS = {
    "call": ("call", "anruf", "telefonat"),
    "meeting": ("meeting", "treffen", "termin", "besprechung"),
    "email": ("email", "e-mail", "mail"),
    "order": ("order", "bestellung", "auftrag"),
    "complaint": ("complaint", "beschwerde", "reklamation"),
    "apology": ("apology", "entschuldigung"),
    "visit": ("visit", "besuch"),
    "quote": ("quote", "angebot"),
    "letter": ("letter", "brief"),
    "message": ("message", "nachricht"),
    "newsletter": ("newsletter", "rundbrief"),
    "contact": ("contact", "kontakt"),  # what `log` records when it is told neither
}
# What we know is a fact, never a contact (issue 16): these words point to `fact add`.
NOT_A_CONTACT = frozenset({"note", "notiz", "notes", "notizen", "fact", "fakt", "info"})
# Without --kind, `log` takes the kind from the channel; without either (or with a
# channel of one's own), it is a plain `contact`.
DEFAULT_KIND = "contact"
# Kinds the customer usually starts; `log` assumes direction "in" for them.
INBOUND_KINDS = frozenset({"complaint", "order"})
KIND_FOR_CHANNEL = {
    "phone": "call", "email": "email", "visit": "visit", "video": "meeting",
    "letter": "letter", "messenger": "message", "newsletter": "newsletter",
}  # fmt: skip
CHANNEL_FOR_KIND = {
    "call": "phone", "email": "email", "visit": "visit", "meeting": "visit",
    "letter": "letter", "message": "messenger", "newsletter": "newsletter",
}  # fmt: skip
DIRECTIONS = {
    "in": ("in", "inbound", "eingehend", "rein"),
    "out": ("out", "outbound", "ausgehend", "raus"),
}
# Codes are stored and exported in English; tables show them in the chosen language.
LABELS = (
    N_("phone"), N_("email"), N_("visit"), N_("video"), N_("letter"), N_("messenger"),
    N_("newsletter"), N_("call"), N_("meeting"), N_("order"), N_("complaint"), N_("apology"),
    N_("note"), N_("quote"), N_("message"), N_("contact"), N_("in"), N_("out"),
    N_("active"), N_("prospect"), N_("paused"), N_("former"),
    N_("cadence"), N_("first-contact"), N_("follow-up"),
    N_("negative-last-impression"), N_("falling-mood"), N_("over-contacted"), N_("silent"),
    N_("against-their-wish"),
    N_("morning"), N_("midday"), N_("afternoon"), N_("evening"),
)  # fmt: skip


def label(code: str | None) -> str:
    """A stored code as people read it; custom x- words stay as typed."""
    return _(code) if code else ""


_CUSTOM = re.compile(r"x-[a-z0-9][a-z0-9-]{0,30}")


def _normalise(text: str, vocabulary: Mapping[str, tuple[str, ...]], what: str) -> str:
    word = text.strip().lower()
    for name, aliases in vocabulary.items():
        if word in aliases:
            return name
    if what != "direction" and _CUSTOM.fullmatch(word):
        return word
    known = ", ".join(vocabulary)
    if what == "channel":
        message = _("unknown channel '{text}'; use one of {known} (or x-NAME for your own)")
    elif what == "kind":
        message = _("unknown kind '{text}'; use one of {known} (or x-NAME for your own)")
    else:
        message = _("unknown direction '{text}'; use one of {known}")
    raise KundenpflegeError(message.format(text=text, known=known))


def channel(text: str) -> str:
    return _normalise(text, CHANNELS, "channel")


def kind(text: str) -> str:
    if text.strip().lower() in NOT_A_CONTACT:
        raise KundenpflegeError(
            _("a note is not a contact and resets no clock; keep what you know with"
              " 'kundenpflege fact add HANDLE TEXT'")
        )  # fmt: skip
    return _normalise(text, KINDS, "kind")


def direction(text: str) -> str:
    return _normalise(text, DIRECTIONS, "direction")


def mood(value: int) -> int:
    if not -2 <= value <= 2:
        raise KundenpflegeError(
            _("mood {value} is out of range; use -2 (bad) to 2 (very good)").format(value=value)
        )
    return value
